import Foundation
import Logging
import Testing
import VigilConfig
import VigilCore
import VigilPipeline
import ZeroMQ

/// The pipeline in process, with real libzmq sockets on loopback: a PUB socket here plays the
/// gateway, a SUB socket the consumer.
@Suite(.serialized) struct DaemonTests {
    static let border = Polyline(points: [GeoPoint(lat: 36.0, lon: 42.0), GeoPoint(lat: 37.0, lon: 42.0)])

    static func configuration() throws -> VigilConfiguration {
        var settings = DaemonSettings()
        settings.ingestBind = [try freeEndpoint()]
        settings.publishBind = [try freeEndpoint()]
        settings.controlBind = ""
        settings.catchupBind = try freeEndpoint()
        settings.stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-state-\(UUID().uuidString)").path
        settings.rejectionLogIntervalSeconds = 3_600
        return VigilConfiguration(
            settings: settings,
            cameras: [
                Camera(id: "cam-a", sector: "S01", position: GeoPoint(lat: 36.5, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000),
                Camera(id: "cam-b", sector: "S01", position: GeoPoint(lat: 36.51, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000),
            ],
            zones: [Zone(id: "border", name: "Border", kind: .border, shape: .line(border, SideNames(left: "SY", right: "IQ")))],
            rules: [Rule(name: "crossing", event: .cross, classes: [.person], action: .alert(kind: "border_crossing", severity: .critical))])
    }

    static func freeEndpoint() throws -> String {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pull)
        defer { socket.close() }
        return try socket.bind("tcp://127.0.0.1:*")
    }

    /// Frames of one person walking from 100 m in Syria to 100 m in Iraq, one report per `camera`.
    static func crossing(camera: String, track: UInt32, seqStart: UInt64, ts: Int64) -> [(String, [UInt8])] {
        (0...20).map { i in
            let x = -100.0 + 10.0 * Double(i)
            let p = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0)).unproject(Vector2(x: x, y: 0))
            let payload = #"{"v":1,"camera":"\#(camera)","seq":\#(seqStart + UInt64(i)),"ts":\#(ts + Int64(i) * 100),"detections":[{"track":\#(track),"class":"person","conf":0.9,"lat":\#(p.lat),"lon":\#(p.lon)}]}"#
            return ("det.S01.\(camera)", Array(payload.utf8))
        }
    }

    struct Peers {
        let context: ZMQContext
        let gateway: ZMQSocket
        let consumer: ZMQSocket

        init(_ configuration: VigilConfiguration) throws {
            context = try ZMQContext()
            gateway = try ZMQSocket(context: context, type: .pub, lingerMs: 1_000)
            consumer = try ZMQSocket(context: context, type: .sub)
            try consumer.subscribe("alert.")
            try consumer.connect(configuration.settings.publishBind[0])
            try gateway.connect(configuration.settings.ingestBind[0])
            Thread.sleep(forTimeInterval: 0.3)  // subscriptions travel to the publishers
        }

        func send(_ messages: [(String, [UInt8])]) throws {
            for (topic, payload) in messages { try gateway.send(topic: topic, payload: payload) }
        }

        func receive(timeoutMs: Int) throws -> [UInt8]? {
            guard try consumer.waitForInput(timeoutMs: timeoutMs), let message = try consumer.receiveMessage() else { return nil }
            return message.last
        }

        func close() {
            gateway.close()
            consumer.close()
        }
    }

    /// A started daemon on fresh loopback ports, with a gateway and a consumer connected to it.
    static func startDaemonAndPeers() throws -> (Daemon, Peers) {
        let configuration = try configuration()
        let daemon = try Daemon(configuration: configuration, logger: Logger(label: "test"))
        daemon.start()
        return (daemon, try Peers(configuration))
    }

    @Test func aCrossingSeenByTwoCamerasIsPublishedOnceWithSeqOne() throws {
        let (daemon, peers) = try Self.startDaemonAndPeers()
        defer { peers.close() }
        let ts = WallClock.nowMs() - 10_000
        let a = Self.crossing(camera: "cam-a", track: 7, seqStart: 1, ts: ts)
        let b = Self.crossing(camera: "cam-b", track: 3, seqStart: 1, ts: ts + 20)
        try peers.send(zip(a, b).flatMap { [$0, $1] })
        let payload = try #require(try peers.receive(timeoutMs: 5_000))
        let alert = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(alert["seq"] as? Int == 1)
        #expect(alert["state"] as? String == "raised")
        #expect(alert["direction"] as? String == "SY->IQ")
        #expect(try peers.receive(timeoutMs: 500) == nil, "one alert, not one per camera")
        let stats = daemon.shutdown()
        #expect(stats.engine.tracksFused == 1)
        #expect(stats.publish.lastSeq == 1)
        #expect(stats.processed == 42)
    }

    @Test func badMessagesAreCountedByReasonAndDoNotDisturbTheOthers() throws {
        let (daemon, peers) = try Self.startDaemonAndPeers()
        defer { peers.close() }
        let ts = WallClock.nowMs() - 10_000
        var messages = Self.crossing(camera: "cam-a", track: 7, seqStart: 1, ts: ts)
        let hostile: [(String, [UInt8])] = [
            ("det.S01.cam-a", Array("{\"v\":1,".utf8)),
            ("det.S02.cam-a", Array(#"{"v":1,"camera":"cam-a","seq":99,"ts":1,"detections":[]}"#.utf8)),
            ("det.S01.cam-zz", Array(#"{"v":1,"camera":"cam-zz","seq":99,"ts":1,"detections":[]}"#.utf8)),
            ("det.S01.cam-a", [UInt8](repeating: 32, count: 70_000)),
            ("det.S01", Array("{}".utf8)),
        ]
        for (i, bad) in hostile.enumerated() { messages.insert(bad, at: 2 + i * 3) }
        messages.insert(messages[4], at: 5)  // a retried frame
        try peers.send(messages)
        #expect(try peers.receive(timeoutMs: 5_000) != nil)
        Thread.sleep(forTimeInterval: 0.3)
        let stats = daemon.shutdown()
        #expect(stats.rejected == [.badJSON: 1, .wrongSector: 1, .unknownCamera: 1, .oversize: 1, .badTopic: 1])
        #expect(stats.engine.framesDuplicate == 1)
        #expect(stats.engine.raised == 1)
    }

    @Test func shutdownPublishesWhatIsDueBeforeClosing() throws {
        let (daemon, peers) = try Self.startDaemonAndPeers()
        defer { peers.close() }
        try peers.send(Self.crossing(camera: "cam-a", track: 1, seqStart: 1, ts: WallClock.nowMs() - 5_000))
        Thread.sleep(forTimeInterval: 0.2)
        let stats = daemon.shutdown()
        #expect(stats.publish.published == 1)
        #expect(try peers.receive(timeoutMs: 2_000) != nil, "the raised alert left before the socket closed")
    }

    // Start-up failures leave nothing open (issue 14's defects). Before the fixes, each crashed
    // the test process with "ZMQSocket released without close()" in a debug build.

    @Test func aFailedStartClosesTheCatchUpSocketItNeverStarted() throws {
        var configuration = try Self.configuration()
        let context = try ZMQContext()
        let squatter = try ZMQSocket(context: context, type: .rep)
        defer { squatter.close() }
        configuration.settings.controlBind = try squatter.bind("tcp://127.0.0.1:*")
        #expect(throws: DaemonError.self) { _ = try Daemon(configuration: configuration, logger: Logger(label: "test")) }
        // The catch-up endpoint is free again: the server's socket was closed, not left behind.
        let router = try ZMQSocket(context: context, type: .router)
        defer { router.close() }
        #expect(throws: Never.self) { _ = try router.bind(configuration.settings.catchupBind) }
    }

    @Test func anAlertSocketThatCannotBeConfiguredIsClosed() throws {
        var configuration = try Self.configuration()
        configuration.settings.sendHighWaterMark = -1  // libzmq refuses it: EINVAL
        do {
            _ = try Daemon(configuration: configuration, logger: Logger(label: "test"))
            Issue.record("started with a send high-water mark of -1")
        } catch {
            #expect(error.code == .socket && error.message.contains("alert socket"), "\(error)")
        }
    }

    @Test func anEndpointInUseFailsStartWithItsName() throws {
        var configuration = try Self.configuration()
        let context = try ZMQContext()
        let squatter = try ZMQSocket(context: context, type: .pub)
        defer { squatter.close() }
        let taken = try squatter.bind("tcp://127.0.0.1:*")
        configuration.settings.publishBind = [taken]
        do {
            _ = try Daemon(configuration: configuration, logger: Logger(label: "test"))
            Issue.record("started on a taken endpoint")
        } catch {
            #expect(error.code == .bind)
            #expect(error.message.contains(taken))
        }
    }
}
