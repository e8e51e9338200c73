import Foundation
import Testing
import VigilCapture
import VigilConfig
import VigilCore

/// Captures (writer and reader) and the replayer's cadence.
@Suite struct CaptureTests {
    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-\(UUID().uuidString)-\(name)").path
    }

    static func readAll(_ path: String) throws(CaptureError) -> (CaptureHeader?, [CapturedMessage]) {
        let reader = try CaptureReader(path: path)
        defer { reader.close() }
        var messages: [CapturedMessage] = []
        while let message = try reader.next() { messages.append(message) }
        return (reader.header, messages)
    }

    static func write(_ text: String) throws -> String {
        let path = temporaryFile("hand.ndjson")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: Writer and reader

    @Test func aCaptureReadsBackByteForByte() throws {
        let path = Self.temporaryFile("round-trip.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = CaptureHeader(startedMs: 1_795_228_380_000, bind: ["tcp://127.0.0.1:7601"], connect: ["tcp://10.0.0.5:7600"], topics: ["det.", "det.S07."])
        let messages = [
            CapturedMessage(receivedMs: 1_795_228_387_253, topic: Array("det.S07.cam-rabia-03".utf8), payload: Array(#"{"v":1,"camera":"cam-rabia-03"}"#.utf8)),
            // Quotes, backslashes, newlines, tabs, every other control character, non-ASCII UTF-8.
            CapturedMessage(
                receivedMs: 1_795_228_387_254, topic: Array("det.S07.cam-rabia-03".utf8),
                payload: Array("{\"a\":\"q\\\"uo\\\\te\"}\n\r\t line2 \\u0000 é 🛂 \u{7F}".utf8) + Array(0..<0x20)),
            // Not UTF-8: a lone continuation byte, an overlong encoding, a UTF-16 surrogate in UTF-8.
            CapturedMessage(receivedMs: 1_795_228_387_255, topic: Array("det.S07.cam-rabia-03".utf8), payload: [0x7B, 0xFF, 0xFE, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x7D]),
            CapturedMessage(receivedMs: 1_795_228_387_256, topic: [0x64, 0x65, 0x74, 0x2E, 0xFF], payload: []),
            CapturedMessage(receivedMs: 1_795_228_387_257, frameCount: 1, topic: Array("det.S07.cam-rabia-03".utf8), payload: []),
            CapturedMessage(receivedMs: 1_795_228_387_258, frameCount: 3, topic: Array("det.S07.cam-rabia-03".utf8), payload: Array("{}".utf8)),
            // Larger than a read block, so a line spans several reads.
            CapturedMessage(receivedMs: -1, topic: Array("det.S07.cam-rabia-03".utf8), payload: Array(String(repeating: "\"x\\", count: 200_000).utf8)),
        ]
        let writer = try CaptureWriter(path: path, header: header)
        for message in messages { try writer.append(message) }
        try writer.close()
        #expect(writer.messages == UInt64(messages.count))

        let (readHeader, read) = try Self.readAll(path)
        #expect(readHeader == header)
        #expect(read.count == messages.count)
        for (got, sent) in zip(read, messages) { #expect(got == sent) }

        // Each line is JSON any tool can read; the bytes that are not UTF-8 are base64.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == messages.count + 2 && lines.last == "", "one line each, ending with a newline")
        for line in lines.dropLast() { #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(line.utf8)) } }
        #expect(lines[3].contains("\"payload_b64\":\"e//+gMCv7aCAfQ==\""))
        #expect(lines[4].contains("\"topic_b64\":"))
        #expect(lines[5].contains("\"frames\":1") && !lines[5].contains("payload"))
        let decoded = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any]
        #expect((decoded?["payload"] as? String).map { Array($0.utf8) } == messages[1].payload, "the payload is the JSON string's value")
    }

    @Test func manyMessagesStreamThroughSmallAndLargeBlocks() throws {
        let path = Self.temporaryFile("many.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path, header: nil)
        for i in 0..<20_000 {
            try writer.append(CapturedMessage(receivedMs: Int64(i), topic: Array("det.S01.cam-a".utf8), payload: Array("{\"seq\":\(i)}".utf8)))
        }
        try writer.close()
        let (header, messages) = try Self.readAll(path)
        #expect(header == nil)
        #expect(messages.count == 20_000)
        #expect(messages.enumerated().allSatisfy { $0.element.receivedMs == Int64($0.offset) && $0.element.payload == Array("{\"seq\":\($0.offset)}".utf8) })
    }

    @Test func aBadLineNamesTheFileAndTheLine() throws {
        let good = #"{"recv_ms":1,"topic":"det.S01.cam-a","payload":"{}"}"#
        let cases: [(String, String)] = [
            (#"{"recv_ms":2,"topic":"det.S01.cam-a","payload":"{}""#, "expected ',' or '}'"),
            (#"{"recv_ms":2,"topic":"det.S01.cam-a"}"#, "missing \"payload\""),
            (#"{"topic":"det.S01.cam-a","payload":"{}"}"#, "missing \"recv_ms\""),
            (#"{"recv_ms":"2","topic":"det.S01.cam-a","payload":"{}"}"#, "\"recv_ms\" must be a whole number"),
            (#"{"recv_ms":2.5,"topic":"det.S01.cam-a","payload":"{}"}"#, "\"recv_ms\" must be a whole number"),
            (#"{"recv_ms":2,"topic":"det.S01.cam-a","payload_b64":"@@@"}"#, "not valid base64"),
            (#"{"recv_ms":2,"recv_ms":3,"topic":"det.S01.cam-a","payload":"{}"}"#, "given twice"),
            (#"{"recv_ms":2,"topic":"det.S01.cam-a","payload":"\q"}"#, "escape"),
            (#"{"vigil_capture":1,"started_ms":0}"#, "first line only"),
            ("", "empty line"),
            ("recv_ms=2", "a JSON object"),
        ]
        for (bad, expected) in cases {
            let path = try Self.write("{\"vigil_capture\":1,\"started_ms\":0}\n\(good)\n\(bad)\n\(good)\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let reader = try CaptureReader(path: path)
            #expect(try reader.next() != nil)
            do {
                _ = try reader.next()
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.file == path)
                #expect(error.line == 3)
                #expect(error.description.hasPrefix("\(path):3: "))
                #expect(error.message.contains(expected), "\(error)")
            }
        }
    }

    @Test func readersIgnoreUnknownKeysAndTakeALastLineWithoutNewline() throws {
        let path = try Self.write(
            #"{"recv_ms":5,"note":{"by":["x",1.5e3,true,null]},"topic":"det.S01.cam-a","payload":"\u00e9\ud83d\udec2\/"}"# + "\n"
                + #"{"recv_ms":6,"topic":"det.S01.cam-a","payload":"{}"}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (_, messages) = try Self.readAll(path)
        #expect(messages.map(\.receivedMs) == [5, 6])
        #expect(messages.first?.payload == Array("é🛂/".utf8))
    }

    @Test func aWriteThatFailsNamesTheFileAndTheSystemsReason() throws {
        let writer = try CaptureWriter(path: "/dev/full", header: nil)
        try writer.append(CapturedMessage(receivedMs: 1, topic: Array("det.S01.cam-a".utf8), payload: Array("{}".utf8)))
        #expect {
            try writer.flush()
        } throws: { error in
            "\(error)" == "/dev/full: cannot write: No space left on device"
        }
    }

    @Test func aMissingFileIsAnErrorWithoutALine() {
        #expect {
            _ = try CaptureReader(path: "/nonexistent/capture.ndjson")
        } throws: { error in
            (error as? CaptureError)?.line == nil && "\(error)".contains("/nonexistent/capture.ndjson: cannot open")
        }
    }

    // MARK: Cameras and reports

    static let cameras = CameraRegistry([
        Camera(id: "cam-a", sector: "S01", position: GeoPoint(lat: 36.5, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000),
        Camera(id: "cam-b", sector: "S01", position: GeoPoint(lat: 36.51, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000),
    ])

    static func report(_ camera: String, seq: Int = 1, ts: Int64 = 1_795_228_387_000) -> [UInt8] {
        Array(#"{"v":1,"camera":"\#(camera)","seq":\#(seq),"ts":\#(ts),"detections":[]}"#.utf8)
    }

    // MARK: Replayer

    static let border = Polyline(points: [GeoPoint(lat: 36.0, lon: 42.0), GeoPoint(lat: 37.0, lon: 42.0)])

    static var configuration: VigilConfiguration {
        var settings = DaemonSettings()
        settings.engine.resolveAfterMs = 5_000
        return VigilConfiguration(
            settings: settings, cameras: cameras.cameras,
            zones: [Zone(id: "border", name: "Border", kind: .border, shape: .line(border, SideNames(left: "SY", right: "IQ")))],
            rules: [Rule(name: "crossing", event: .cross, classes: [.person], action: .alert(kind: "border_crossing", severity: .critical))])
    }

    /// One person walking from 100 m in Syria to 100 m in Iraq, 10 frames a second, received
    /// 30 ms after capture.
    static func crossing(ts: Int64) -> [CapturedMessage] {
        (0...20).map { i in
            let p = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0)).unproject(Vector2(x: -100.0 + 10.0 * Double(i), y: 0))
            let payload = #"{"v":1,"camera":"cam-a","seq":\#(i),"ts":\#(ts + Int64(i) * 100),"detections":[{"track":7,"class":"person","conf":0.9,"lat":\#(p.lat),"lon":\#(p.lon)}]}"#
            return CapturedMessage(receivedMs: ts + Int64(i) * 100 + 30, topic: Array("det.S01.cam-a".utf8), payload: Array(payload.utf8))
        }
    }

    @Test func aReplayStampsAlertsWithTheTimeThatCausedThemAndCountsLikeThePipeline() throws {
        let ts: Int64 = 1_795_228_387_000
        var messages = Self.crossing(ts: ts)
        messages.insert(CapturedMessage(receivedMs: messages[3].receivedMs, topic: Array("det.S01.cam-a".utf8), payload: Array("{\"v\":1,".utf8)), at: 4)
        messages.insert(messages[6], at: 7)  // a retried frame
        messages.insert(CapturedMessage(receivedMs: messages[8].receivedMs, frameCount: 3, topic: Array("det.S01.cam-a".utf8), payload: []), at: 9)
        // Heartbeats of the other camera long after. In between, with no report for 5 s, the
        // timer's ticks move event time on with the recorded wall time and resolve the walker.
        let later = ts + 20_000
        messages += (0..<100).map { i in
            CapturedMessage(receivedMs: later + Int64(i) * 100 + 30, topic: Array("det.S01.cam-b".utf8), payload: Self.report("cam-b", seq: i, ts: later + Int64(i) * 100))
        }
        func replay() -> ([AlertMessage], [Replayer.Outcome], ReplaySummary) {
            var replayer = Replayer(configuration: Self.configuration)
            var alerts: [AlertMessage] = [], outcomes: [Replayer.Outcome] = []
            for message in messages { replayer.feed(message, onMessage: { outcomes.append($0.outcome) }, onAlert: { alerts.append($0) }) }
            replayer.finish { alerts.append($0) }
            return (alerts, outcomes, replayer.summary)
        }
        let (alerts, outcomes, summary) = replay()
        #expect(alerts.map(\.state) == [.raised, .resolved])
        #expect(alerts.map(\.seq) == [1, 2])
        let raisedBy = try #require(messages.first { $0.receivedMs == alerts[0].emittedTs }, "raised at a message's recv_ms")
        #expect(raisedBy.topic == Array("det.S01.cam-a".utf8))
        #expect(alerts[1].emittedTs < later, "resolved in the silence")
        #expect((alerts[1].emittedTs - messages[0].receivedMs) % Replayer.expiryIntervalMs == 0, "by a tick of the timer")
        #expect(alerts[0].seq == 1 && AlertEncoder.encode(alerts[0]) == AlertEncoder.encode(alerts[0], seq: 1, emittedTs: alerts[0].emittedTs))
        #expect(outcomes.count == messages.count)
        if case .rejected(let error) = outcomes[4] { #expect(error.reason == .badJSON) } else { Issue.record("\(outcomes[4])") }
        #expect(outcomes[7] == .duplicate)
        #expect(summary.messages == UInt64(messages.count))
        #expect(summary.accepted == 121)
        #expect(summary.duplicates == 1)
        #expect(summary.rejected == [.badJSON: 1, .wrongFrameCount: 1])
        #expect(summary.raised == 1 && summary.updated == 0 && summary.resolved == 1)
        #expect(summary.openIncidents.isEmpty)
        #expect(summary.expiryTicks == UInt64((messages.last!.receivedMs - messages[0].receivedMs) / Replayer.expiryIntervalMs))

        let (again, _, _) = replay()
        #expect(again == alerts, "the same capture gives the same alerts")
    }

    @Test func theEndOfACaptureLeavesOpenIncidentsOpenAndUnsubscribedTopicsAreNotReceived() throws {
        var configuration = Self.configuration
        configuration.settings.sectors = ["S01"]
        var replayer = Replayer(configuration: configuration)
        var alerts: [AlertMessage] = []
        let other = CapturedMessage(receivedMs: 1, topic: Array("det.S09.cam-z".utf8), payload: Self.report("cam-z"))
        replayer.feed(other) { alerts.append($0) }
        for message in Self.crossing(ts: 1_795_228_387_000) { replayer.feed(message) { alerts.append($0) } }
        replayer.finish { alerts.append($0) }
        let summary = replayer.summary
        #expect(alerts.map(\.state) == [.raised])
        #expect(summary.notSubscribed == 1)
        #expect(summary.firstReceivedMs == 1_795_228_387_030, "a message not received takes no part in time")
        #expect(summary.openIncidents.map(\.id) == [alerts[0].id])
        #expect(replayer.engine.stats.incidentsOpen == 1)
    }
}
