import Foundation
import Testing

/// `vigil-sim run --score` against a real vigild: the shipped scenarios are alerted once per true
/// crossing, with no duplicate and no false alert.
@Suite(.serialized) struct ScoringProcessTests {
    /// Runs `scenario` at ×40 through a fresh vigild, scored with strict thresholds; returns the sim.
    private func scoredRun(_ scenario: String) throws -> (exit: Int32?, sim: Child) {
        let daemon = try RunningDaemon()
        defer { daemon.child.stop() }
        let sim = try Child(
            "vigil-sim",
            [
                "run", scenario, "--endpoint", daemon.ingest, "--speed", "40", "--score", "--alerts", daemon.alerts,
                "--min-detected", "1", "--max-duplicates", "0", "--max-false", "0", "--json-summary",
            ])
        return (sim.wait(seconds: 90), sim)
    }

    @Test(arguments: ["rabia-lone-crossing", "alqaim-mixed"])
    func shippedScenarioScoresEveryCrossingOnceAndNothingFalse(scenario: String) throws {
        let (exit, sim) = try scoredRun(scenario)
        if exit == nil { sim.stop() }
        #expect(exit == 0, "vigil-sim \(scenario): \(sim.stderr)")
        let line = try #require(sim.stdout.split(separator: "\n").last.map(String.init))
        let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let score = try #require(summary?["score"] as? [String: Any], "\(line)")
        #expect(score["passed"] as? Bool == true)
        let crossing = (score["kinds"] as? [String: Any])?["border_crossing"] as? [String: Any]
        #expect(crossing?["expected"] as? Int == 1, "\(line)")
        #expect(crossing?["detected"] as? Int == 1)
    }

    /// The lone Rabia crossing through faulty gateways (duplicated, reordered, dropped frames, a
    /// skewed clock, track switches, a reboot): still one alert, no duplicate, nothing false.
    @Test func faultyGatewaysStillScoreTheCrossingOnceAndNothingFalse() throws {
        let (exit, sim) = try scoredRun("rabia-faults")
        if exit == nil { sim.stop() }
        #expect(exit == 0, "vigil-sim rabia-faults: \(sim.stderr)")
        let line = try #require(sim.stdout.split(separator: "\n").last.map(String.init))
        let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let score = try #require(summary?["score"] as? [String: Any], "\(line)")
        #expect(score["passed"] as? Bool == true, "\(sim.stderr)")
        let crossing = (score["kinds"] as? [String: Any])?["border_crossing"] as? [String: Any]
        #expect(crossing?["expected"] as? Int == 1, "\(line)")
        #expect(crossing?["detected"] as? Int == 1, "\(sim.stderr)")
    }
}
