import Foundation
import Testing

/// `vigil record` and `vigil replay` as real processes: a capture of a simulated scenario, and
/// its replays.
@Suite(.serialized) struct RecordReplayProcessTests {
    /// rabia-faults (duplicates, reordering, losses, clock skew, track switches, reboots) at 20x,
    /// recorded by `vigil record` on a bound endpoint and stopped with SIGTERM. Recorded once.
    /// The endpoint is an IPC path of its own, so no other test's publisher can reach it.
    static let recording = Result { () throws -> URL in
        let endpoint = "ipc://\(FileManager.default.temporaryDirectory.path)/vigil-record-\(UUID().uuidString).ipc"
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-\(UUID().uuidString).ndjson")
        let recorder = try Child("vigil", ["record", "--bind", endpoint, "--out", capture.path])
        let deadline = Date().addingTimeInterval(15)
        while !recorder.stderr.contains("vigil record: recording") {
            guard Date() < deadline, recorder.process.isRunning else { throw TestFailure("vigil record did not start: \(recorder.stderr)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let sim = try Child("vigil-sim", ["run", "rabia-faults", "--endpoint", endpoint, "--speed", "20"])
        guard sim.wait(seconds: 90) == 0 else {
            recorder.stop()
            throw TestFailure("vigil-sim: \(sim.stderr)")
        }
        Thread.sleep(forTimeInterval: 0.5)  // the last messages on their way
        let status = recorder.stop()
        guard status == 0, recorder.stderr.contains("stopped: SIGTERM") else {
            throw TestFailure("vigil record exits 0 on SIGTERM, status \(String(describing: status)): \(recorder.stderr)")
        }
        return capture
    }

    /// `vigil replay` of `capture`: exit status, standard output, standard error.
    func replay(_ capture: URL, _ extra: [String] = []) throws -> (status: Int32?, stdout: Data, stderr: String) {
        let child = try Child("vigil", ["replay", capture.path, "--config", "Config/vigild.yaml"] + extra)
        let status = child.wait(seconds: 120)
        if status == nil { child.stop() }
        return (status, try Data(contentsOf: child.stdoutURL), child.stderr)
    }

    func alerts(_ stdout: Data) -> [[String: Any]] {
        stdout.split(separator: UInt8(ascii: "\n")).map { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] ?? ["unparsable": true] }
    }

    @Test func aCaptureEndsWithAWholeLineAndStartsWithItsHeader() throws {
        let capture = try Self.recording.get()
        let bytes = try Data(contentsOf: capture)
        #expect(bytes.last == UInt8(ascii: "\n"))
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count > 10_000, "every rabia camera's frames at 10 fps")
        let header = try JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any]
        #expect(header?["vigil_capture"] as? Int == 1)
        #expect(header?["topics"] as? [String] == ["det."])
        let first = try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any]
        #expect((first?["topic"] as? String)?.hasPrefix("det.") == true)
        let topics = Set(lines.dropFirst().compactMap { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] }.compactMap { $0["topic"] as? String })
        #expect(topics.contains("det.S12.cam-rabia-17"), "\(topics.sorted())")
        #expect(first?["recv_ms"] is Int)
        #expect(first?["payload"] is String)
    }

    @Test func aReplayGivesTheSameBytesEveryTimeWithTheCrossingRaisedAndResolved() throws {
        let capture = try Self.recording.get()
        let first = try replay(capture)
        let second = try replay(capture)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout, "byte-identical output")

        let alerts = alerts(first.stdout)
        #expect(alerts.compactMap { $0["seq"] as? Int } == Array(1...alerts.count), "seq from 1, gap-free")
        let crossings = incidents(alerts).filter { $0.value.contains { $0["kind"] as? String == "border_crossing" } }
        #expect(crossings.count == 1, "one crossing through the faulty gateways: \(alerts)")
        let messages = try #require(crossings.first?.value)
        #expect(messages.first?["state"] as? String == "raised")
        #expect(messages.first?["direction"] as? String == "SY->IQ")
        #expect(messages.last?["state"] as? String == "resolved")
        #expect(self.alerts(second.stdout).map { $0["id"] as? String } == alerts.map { $0["id"] as? String })
        #expect(first.stderr.contains("raised 1") && first.stderr.contains("resolved 1"), "\(first.stderr)")
        #expect(first.stderr.contains("open at the end: none"))
    }

    @Test func aHostilePayloadInTheCaptureIsCountedAndTheAlertsStillCome() throws {
        let capture = try Self.recording.get()
        var lines = try Data(contentsOf: capture).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // After the 2,000th message, received in the same millisecond so that batches stay as they were.
        let before = try JSONSerialization.jsonObject(with: Data(lines[2_000])) as? [String: Any]
        let receivedMs = try #require(before?["recv_ms"] as? Int)
        let hostile = #"{"recv_ms":\#(receivedMs),"topic":"det.S12.cam-rabia-17","payload":"{\"v\":1,\"camera\":\"cam-rabia-17\",\"seq\":"}"#
        lines.insert(Data(hostile.utf8)[...], at: 2_001)
        let tampered = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-hostile-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: tampered) }
        try Data(lines.joined(separator: [UInt8(ascii: "\n")])).write(to: tampered)

        let clean = try replay(capture, ["--json-summary"])
        let result = try replay(tampered, ["--json-summary"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data((result.stderr.split(separator: "\n").last ?? "").utf8)) as? [String: Any], "\(result.stderr)")
        let cleanSummary = try JSONSerialization.jsonObject(with: Data((clean.stderr.split(separator: "\n").last ?? "").utf8)) as? [String: Any]
        #expect((summary["rejected"] as? [String: Int])?["bad_json"] == 1, "\(summary)")
        #expect(summary["messages"] as? Int == (cleanSummary?["messages"] as? Int ?? 0) + 1)
        #expect(result.stdout == clean.stdout, "the same alerts")
        #expect(incidents(alerts(result.stdout)).values.contains { $0.contains { $0["kind"] as? String == "border_crossing" } })
    }

    @Test func aBadLineStopsTheReplayNamingFileAndLine() throws {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-bad-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: capture) }
        try "{\"vigil_capture\":1,\"started_ms\":0}\n{\"recv_ms\":1,\"topic\":\"det.S12.cam-rabia-17\"\n".write(to: capture, atomically: true, encoding: .utf8)
        let result = try replay(capture)
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(capture.path):2: "), "\(result.stderr)")
    }

    @Test func recordStopsAfterSecondsWithAHeaderOnlyCapture() throws {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-empty-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: capture) }
        let recorder = try Child("vigil", ["record", "--connect", try freeEndpoint(), "--seconds", "0.3", "--out", capture.path])
        #expect(recorder.wait(seconds: 10) == 0, "\(recorder.stderr)")
        #expect(recorder.stderr.contains("0 messages"))
        let lines = try String(contentsOf: capture, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("{\"vigil_capture\":1,"))
    }
}
