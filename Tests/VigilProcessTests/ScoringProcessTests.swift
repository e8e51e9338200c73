import Foundation
import Testing

/// `vigil-sim run --score` against a real vigild: every scenario in `Config/scenarios/` is
/// alerted once per expected true event (crossings, restricted-area entries, a minute in the
/// strip), with the right count, no duplicate and no false alert.
@Suite(.serialized) struct ScoringProcessTests {
    /// Every scenario file in `Config/scenarios/`, by name, discovered from the directory.
    static func scenarios() -> [String] {
        let directory = repositoryRoot.appendingPathComponent("Config/scenarios").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Runs `scenario` at ×40 through a fresh vigild, scored with strict thresholds; returns the sim.
    private func scoredRun(_ scenario: String) throws -> (exit: Int32?, sim: Child) {
        let daemon = try RunningDaemon()
        defer { daemon.child.stop() }
        let sim = try Child(
            "vigil-sim",
            [
                "run", scenario, "--endpoint", daemon.ingest, "--speed", "40", "--score", "--alerts", daemon.alerts,
                "--min-detected", "1", "--max-duplicates", "0", "--max-false", "0", "--max-count-errors", "0", "--json-summary",
            ])
        return (sim.wait(seconds: 90), sim)
    }

    @Test func everyScenarioFileIsFound() {
        #expect(Self.scenarios().count >= 15, "\(Self.scenarios())")
    }

    /// Each scenario (the lone crossing, three cameras, a group, a herd beside a person, a
    /// restricted-area entry, each gateway fault alone and all together, a masked heat source, a
    /// fast vehicle on a slow link) through a real daemon: every threshold met.
    @Test(arguments: scenarios())
    func scenarioScoresEveryExpectedEventOnceWithItsCountAndNothingFalse(scenario: String) throws {
        let (exit, sim) = try scoredRun(scenario)
        if exit == nil { sim.stop() }
        #expect(exit == 0, "vigil-sim \(scenario): \(sim.stderr)")
        let line = try #require(sim.stdout.split(separator: "\n").last.map(String.init), "\(sim.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let score = try #require(summary?["score"] as? [String: Any], "\(line)")
        #expect(score["passed"] as? Bool == true, "\(sim.stderr)")
        let kinds = (score["kinds"] as? [String: [String: Any]]) ?? [:]
        let expected = kinds.values.reduce(0) { $0 + ($1["expected"] as? Int ?? 0) }
        let silent = kinds.values.reduce(0) { $0 + ($1["silent"] as? Int ?? 0) }
        #expect(expected >= 1 || silent >= 1, "\(scenario) has something to score: \(line)")
        let detected = kinds.values.reduce(0) { $0 + ($1["detected"] as? Int ?? 0) }
        #expect(detected == expected, "\(sim.stderr)")
    }
}
