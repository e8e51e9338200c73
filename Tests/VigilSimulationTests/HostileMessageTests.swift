import Testing
import VigilCore
import VigilSimulation

/// Each hostile message breaks the contract in the way its kind says, and in no other.
@Suite struct HostileMessageTests {
    private let camera = Camera(
        id: "cam-rabia-17", sector: "S12", position: GeoPoint(lat: 36.826, lon: 42.125), headingDeg: 315, fovDeg: 90, rangeM: 4_000)

    private func message(_ kind: HostileMessage.Kind) -> HostileMessage {
        HostileMessage(kind: kind, camera: camera, seq: 41, ts: 1_795_228_387_250, otherSector: "S11", nowMs: 1_795_228_400_000)
    }

    @Test func twelveKindsInTheBriefsOrder() {
        #expect(HostileMessage.Kind.allCases.count == 12)
        #expect(HostileMessage.Kind.allCases.first == .invalidJSON)
        #expect(HostileMessage.Kind.allCases.last == .singleFrame)
    }

    @Test(arguments: HostileMessage.Kind.allCases)
    func eachKindIsRefusedForItsReason(kind: HostileMessage.Kind) throws {
        let message = message(kind)
        if kind == .singleFrame {
            #expect(message.frames.count == 1)
            #expect(message.frames[0] == Array("det.S12.cam-rabia-17".utf8))
            return
        }
        #expect(message.frames.count == 2)
        let topic = String(decoding: message.frames[0], as: UTF8.self)
        let payload = message.frames[1]
        switch kind.expectedReason {
        case .unknownCamera, .wrongSector, .futureTimestamp:
            // The payload itself is valid; the topic or the registry or the clock refuses it.
            let report = try FrameReportParser.parse(payload)
            switch kind {
            case .unregisteredCamera:
                #expect(report.camera == HostileMessage.unregisteredCameraID)
                #expect(topic == "det.S12.\(HostileMessage.unregisteredCameraID)")
            case .wrongSector:
                #expect(report.camera == "cam-rabia-17")
                #expect(topic == "det.S11.cam-rabia-17")
            default:
                #expect(report.ts == 1_795_228_400_000 + 600_000, "ten minutes ahead of the wall clock, not of the frame")
                #expect(topic == "det.S12.cam-rabia-17")
            }
        default:
            #expect(topic == "det.S12.cam-rabia-17")
            #expect(throws: FrameReportError.self) { try FrameReportParser.parse(payload) }
            do {
                _ = try FrameReportParser.parse(payload)
            } catch {
                #expect(error.reason == kind.expectedReason, "\(kind.name): \(error)")
            }
        }
        if kind == .oversize { #expect(payload.count == 70 * 1024) }
    }
}
