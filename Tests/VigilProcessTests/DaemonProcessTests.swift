import Foundation
import Testing
import ZeroMQ

/// vigild and vigil-sim as real processes on loopback, checked the way a consumer sees them.
@Suite(.serialized) struct DaemonProcessTests {
    /// Runs a scenario through vigild and returns the alerts received, once every incident resolved.
    func run(scenario: String, extra: [String] = []) throws -> (alerts: [[String: Any]], daemon: RunningDaemon, exit: Int32?) {
        let daemon = try RunningDaemon()
        let collector = try AlertCollector(endpoint: daemon.alerts)
        let sim = try Child("vigil-sim", ["run", scenario, "--endpoint", daemon.ingest, "--speed", "40"] + extra)
        let simExit = sim.wait(seconds: 60)
        #expect(simExit == 0, "vigil-sim: \(sim.stderr)")
        _ = collector.wait(seconds: 20) { alerts in
            let groups = incidents(alerts)
            return !groups.isEmpty && groups.values.allSatisfy { $0.contains { $0["state"] as? String == "resolved" } }
        }
        collector.stop()
        return (collector.alerts, daemon, nil)
    }

    @Test func rabiaLoneCrossingIsOneCriticalCrossingRaisedOnceResolvedOnce() throws {
        let (alerts, daemon, _) = try run(scenario: "rabia-lone-crossing")
        defer { daemon.child.stop() }
        let crossings = incidents(alerts).filter { $0.value.contains { $0["kind"] as? String == "border_crossing" } }
        #expect(crossings.count == 1, "alerts: \(alerts)")
        let messages = try #require(crossings.first?.value)
        #expect(messages.filter { $0["state"] as? String == "raised" }.count == 1)
        #expect(messages.filter { $0["state"] as? String == "resolved" }.count == 1)
        #expect(messages.last?["state"] as? String == "resolved")
        let last = try #require(messages.last)
        #expect(last["direction"] as? String == "SY->IQ")
        #expect(last["severity"] as? String == "critical")
        #expect(last["class"] as? String == "person")
        #expect(last["count"] as? Int == 1)
        #expect(((last["cameras"] as? [String]) ?? []).count >= 2, "two cameras saw the crossing: \(last)")
        let seqs = alerts.compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...max(seqs.count, 1)).prefix(seqs.count).map { $0 }, "seq gap-free from 1: \(seqs)")
        #expect(incidents(alerts).count == 1, "nothing else was alerted: \(alerts)")
        #expect(daemon.child.stop() == 0, "vigild exits 0 on SIGTERM: \(daemon.child.stderr)")
    }

    @Test func alQaimRaisesOneIncidentForTheVehicleAndNothingForTheAnimals() throws {
        let (alerts, daemon, _) = try run(scenario: "alqaim-mixed")
        defer { daemon.child.stop() }
        let groups = incidents(alerts)
        #expect(groups.count == 1, "alerts: \(alerts)")
        let messages = try #require(groups.first?.value)
        #expect(messages.allSatisfy { $0["class"] as? String == "vehicle" })
        #expect(messages.first?["state"] as? String == "raised")
        #expect(messages.first?["kind"] as? String == "border_crossing")
        #expect(messages.first?["direction"] as? String == "SY->IQ")
        #expect(messages.last?["state"] as? String == "resolved")
        #expect(!alerts.contains { $0["class"] as? String == "animal" })
    }

    @Test func aVehicleSeen300mApartOnEachSideIsStillAlertedWithItsDirection() throws {
        let (alerts, daemon, _) = try run(scenario: "qaim-fast-vehicle")
        defer { daemon.child.stop() }
        let groups = incidents(alerts)
        #expect(groups.count == 1, "alerts: \(alerts)")
        let messages = try #require(groups.first?.value)
        #expect(messages.first?["state"] as? String == "raised")
        #expect(messages.first?["kind"] as? String == "border_crossing")
        #expect(messages.first?["direction"] as? String == "SY->IQ")
        #expect(messages.first?["cameras"] as? [String] == ["cam-qaim-13"])
        let stats = try daemon.request("stats")
        #expect((stats["engine"] as? [String: Any])?["detections"] as? Int ?? 99 <= 8, "few frames, far apart: \(stats)")
    }

    @Test func aHeatSourceInAMaskRaisesNothingWhileAPersonBesideItDoes() throws {
        let (alerts, daemon, _) = try run(scenario: "qaim-flare-mask")
        defer { daemon.child.stop() }
        let groups = incidents(alerts)
        #expect(groups.count == 1, "only the control person alerts: \(alerts)")
        let messages = try #require(groups.first?.value)
        #expect(messages.first?["kind"] as? String == "intrusion")
        #expect(messages.first?["zone"] as? String == "iq-sy-strip")
        // The flare stands at 34.351448, 40.871377; the control person 1 km away.
        #expect(messages.allSatisfy { abs(($0["lat"] as? Double ?? 0) - 34.351448) > 0.003 })
        let stats = try daemon.request("stats")
        #expect(((stats["engine"] as? [String: Any])?["detections_masked"] as? Int ?? 0) > 100, "\(stats)")
    }

    @Test func hostilePayloadsAreCountedAndTheCrossingIsStillAlertedOnce() throws {
        let (alerts, daemon, _) = try run(scenario: "rabia-lone-crossing", extra: ["--hostile", "7"])
        defer { daemon.child.stop() }
        #expect(daemon.child.process.isRunning, "vigild survived: \(daemon.child.stderr)")
        let crossings = incidents(alerts).filter { $0.value.contains { $0["kind"] as? String == "border_crossing" } }
        #expect(crossings.count == 1)
        #expect(crossings.first?.value.filter { $0["state"] as? String == "raised" }.count == 1)
        let stats = try daemon.request("stats")
        let rejected = stats["rejected"] as? [String: Int] ?? [:]
        for reason in ["bad_json", "bad_value", "missing_field", "wrong_type", "bad_version", "unknown_camera", "wrong_sector", "future_ts", "oversize", "wrong_frame_count"] {
            #expect((rejected[reason] ?? 0) > 0, "rejections counted as \(reason): \(rejected)")
        }
        #expect(daemon.child.stop() == 0)
    }

    @Test func aConfigurationMistakeNamesTheFileAndKeyAndExitsNonZero() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bad-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("vigild.yaml")
        try "ingest:\n  bind: [\"tcp://127.0.0.1:7601\"]\n  rcvhwm: lots\n".write(to: file, atomically: true, encoding: .utf8)
        let child = try Child("vigild", ["--config", file.path])
        #expect(child.wait(seconds: 10) == 78)
        #expect(child.stderr.contains("vigild.yaml"))
        #expect(child.stderr.contains("ingest.rcvhwm"))
        #expect(child.stderr.contains("expected a whole number"))
    }

    @Test func anEndpointThatCannotBeBoundIsAClearErrorAndNonZeroExit() throws {
        let context = try ZMQContext()
        let squatter = try ZMQSocket(context: context, type: .pub)
        defer { squatter.close() }
        let taken = try squatter.bind("tcp://127.0.0.1:*")
        let child = try Child("vigild", [
            "--ingest-bind", taken, "--publish-bind", try freeEndpoint(), "--control-bind", try freeEndpoint(), "--catchup-bind", try freeEndpoint(),
            "--http-bind", "", "--state-dir", FileManager.default.temporaryDirectory.appendingPathComponent("vigil-state-\(UUID().uuidString)").path,
        ])
        let status = child.wait(seconds: 10)
        #expect(status != nil && status != 0)
        #expect(child.stderr.contains(taken), "names the endpoint: \(child.stderr)")
        #expect(child.stderr.contains("Address already in use"))
    }

    @Test func vigilTailPrintsNDJSONFilteredBySeverityAndSectorAndStatsAnswers() throws {
        let daemon = try RunningDaemon()
        defer { daemon.child.stop() }
        let wanted = try Child("vigil", ["tail", "--endpoint", daemon.alerts, "--min-severity", "high", "--sector", "S12", "--count", "1", "--seconds", "60"])
        let otherSector = try Child("vigil", ["tail", "--endpoint", daemon.alerts, "--sector", "S05", "--seconds", "10"])
        let lowOnly = try Child("vigil", ["tail", "--endpoint", daemon.alerts, "--severity", "low", "--seconds", "10"])
        Thread.sleep(forTimeInterval: 0.5)
        let sim = try Child("vigil-sim", ["run", "rabia-lone-crossing", "--endpoint", daemon.ingest, "--speed", "40"])
        #expect(sim.wait(seconds: 60) == 0)
        #expect(wanted.wait(seconds: 30) == 0, "tail exits after --count alerts: \(wanted.stderr)")
        let lines = wanted.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let alert = try JSONSerialization.jsonObject(with: Data(lines.first.map { Array($0.utf8) } ?? [])) as? [String: Any]
        #expect(alert?["sector"] as? String == "S12")
        #expect(alert?["severity"] as? String == "critical")
        #expect(otherSector.wait(seconds: 30) == 0)
        #expect(otherSector.stdout.isEmpty, "no S05 alert: \(otherSector.stdout)")
        #expect(lowOnly.wait(seconds: 30) == 0)
        #expect(lowOnly.stdout.isEmpty)

        let stats = try Child("vigil", ["stats", "--endpoint", daemon.control])
        #expect(stats.wait(seconds: 10) == 0)
        let counters = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        #expect(((counters?["engine"] as? [String: Any])?["raised"] as? Int) == 1)
        #expect(((counters?["ingest"] as? [String: Any])?["received"] as? Int ?? 0) > 1_000)
    }

    @Test func vigilStatsSaysSoWhenNoDaemonAnswers() throws {
        let stats = try Child("vigil", ["stats", "--endpoint", try freeEndpoint(), "--timeout", "0.5"])
        #expect(stats.wait(seconds: 10) == 69)
        #expect(stats.stderr.contains("no answer"))
    }
}
