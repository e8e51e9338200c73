import Foundation
import Testing
import VigilCore
import ZeroMQ

import VigilPipeline

/// The frame validator ingest applies to a received batch in place
/// (`FrameValidator+MessageBatch`) gives each fault the same reason and detail as the validation
/// of plain bytes that replay uses.
@Suite struct FrameValidatorTests {
    /// Two cameras of sector S01; `cam-b` is camera 1.
    let cameras = CameraRegistry(
        ["cam-a", "cam-b"].enumerated().map { index, id in
            Camera(id: id, sector: "S01", position: GeoPoint(lat: 36.5 + 0.01 * Double(index), lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000)
        })

    /// A heartbeat of `camera`.
    func report(_ camera: String) -> [UInt8] {
        Array(#"{"v":1,"camera":"\#(camera)","seq":1,"ts":1795228387000,"detections":[]}"#.utf8)
    }

    /// Messages sent through a PUSH/PULL pair and received into one batch, as ingest receives them.
    static func received(_ messages: [[[UInt8]]]) throws -> MessageBatch {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let push = try ZMQSocket(context: context, type: .push, lingerMs: 1_000)
        defer {
            push.close()
            pull.close()
        }
        let endpoint = "inproc://validator-\(UUID().uuidString)"
        try pull.bind(endpoint)
        try push.connect(endpoint)
        for message in messages { try push.send(message) }
        var batch = MessageBatch(maxStoredFrameBytes: FrameReportParser.maxPayloadBytes)
        while batch.count < messages.count {
            guard try pull.waitForInput(timeoutMs: 2_000) else { throw ZMQError(code: EAGAIN, function: "zmq_poll") }
            try pull.receive(into: &batch, dontWait: true)
        }
        return batch
    }

    @Test func theValidatorRejectsEachFaultForItsReasonOnBatchesAndBytesAlike() throws {
        let validator = FrameValidator(cameras: cameras)
        let cases: [(frames: [[UInt8]], expected: RejectReason?)] = [
            ([Array("det.S01.cam-b".utf8), report("cam-b")], nil),
            ([Array("det.S01.cam-a".utf8)], .wrongFrameCount),
            ([Array("det.S01.cam-a".utf8), report("cam-a"), Array("extra".utf8)], .wrongFrameCount),
            ([Array("det.S01".utf8), report("cam-a")], .badTopic),
            ([Array("alert.S01.cam-a".utf8), report("cam-a")], .badTopic),
            ([Array("det.S01.cam a".utf8), report("cam-a")], .badTopic),
            ([Array("det.S01.cam-a".utf8), [UInt8](repeating: 32, count: 70_000)], .oversize),
            ([Array("det.S01.cam-a".utf8), Array("{\"v\":1,".utf8)], .badJSON),
            ([Array("det.S01.cam-zz".utf8), report("cam-zz")], .unknownCamera),
            ([Array("det.S02.cam-a".utf8), report("cam-a")], .wrongSector),
            ([Array("det.S01.cam-a".utf8), report("cam-b")], .cameraMismatch),
        ]
        let batch = try Self.received(cases.map(\.frames))
        for (index, (frames, expected)) in cases.enumerated() {
            let fromBatch = validator.validate(batch, message: index)
            let fromBytes =
                frames.count == 2 ? validator.validate(topic: frames[0], payload: frames[1]) : .failure(FrameValidator.wrongFrameCount(frames.count))
            for result in [fromBatch, fromBytes] {
                switch (result, expected) {
                case (.success(let frame), nil):
                    #expect(frame.camera == 1)
                    #expect(frame.report.camera == "cam-b")
                case (.failure(let error), let reason?):
                    #expect(error.reason == reason, "message \(index): \(error)")
                default:
                    Issue.record("message \(index): \(result), expected \(expected.map(\.rawValue) ?? "success")")
                }
            }
            if case .failure(let a) = fromBatch, case .failure(let b) = fromBytes { #expect(a == b, "same detail both ways") }
        }
        if case .failure(let error) = validator.validate(batch, message: 2) { #expect(error.detail == "expected 2 frames (topic, payload), got 3") }
    }
}
