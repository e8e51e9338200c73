import Foundation
import Testing
import VigilCore
import VigilSimulation

/// Scoring a trials run on hand-made alerts (no daemon): attribution of incidents to trials,
/// detection, direction, count, latency, misses with their replay command, thresholds, JSON.
@Suite struct TrialScoringTests {
    /// Trials 0 to 5 of seed 11, anchored, with their truths.
    private func setUp() throws -> (TrialPlan, TrialRunResult, [TrialSpec]) {
        let world = try Fixtures.world()
        let specs = try TrialGenerator(world: world).trials(runSeed: 11, count: 6)
        var plan = TrialPlan(specs: specs, world: world)
        try plan.anchor(nowMs: 1_795_228_387_253, siteTime: TrialGenerationTests.siteTime())
        let run = TrialRunResult(truths: plan.entries.map { plan.truth(of: $0) }, clock: nil, sent: 0, seconds: 0)
        return (plan, run, specs)
    }

    private func crossing(_ plan: TrialPlan, _ run: TrialRunResult, _ index: Int) throws -> TrueEvent {
        try #require(run.truths[index].first { $0.kind == TrueEvent.borderCrossing })
    }

    /// The raised message of a crossing incident at the true crossing, told `delayMs` after it.
    private func alert(
        _ id: String, _ event: TrueEvent, direction: String? = nil, count: Int? = nil, delayMs: Int64 = 12_000, east: Double = 40
    ) -> PartialAlertMessage {
        PartialAlertMessage(
            id: id, kind: "border_crossing", severity: "critical", objectClass: event.objectClass.rawValue, count: count ?? event.count,
            direction: direction ?? event.direction, position: LocalPlane(origin: event.position).unproject(Vector2(x: east, y: 0)),
            firstTs: event.eventTimeMs - 2_000, lastTs: event.eventTimeMs + delayMs, emittedTs: event.eventTimeMs + delayMs)
    }

    @Test func detectionDirectionCountLatencyAndMisses() throws {
        let (plan, run, specs) = try setUp()
        let world = try Fixtures.world()
        var messages: [PartialAlertMessage] = []
        let c0 = try crossing(plan, run, 0), c1 = try crossing(plan, run, 1), c2 = try crossing(plan, run, 2)
        messages.append(alert("al-0", c0))
        messages.append(alert("al-1", c1, direction: c1.direction == "SY->IQ" ? "IQ->SY" : "SY->IQ"))
        messages.append(alert("al-2", c2, count: c2.count + 1, delayMs: 30_000))
        // Trial 3: the same incident told twice (two ids) is one detection and a duplicate.
        let c3 = try crossing(plan, run, 3)
        messages.append(alert("al-3a", c3, delayMs: 5_000))
        messages.append(alert("al-3b", c3, delayMs: 6_000, east: -40))
        // Trial 4: nothing. Trial 5: an incident 50 km away is nobody's.
        let c5 = try crossing(plan, run, 5)
        messages.append(alert("al-far", c5, east: 50_000))

        let scored = TrialScorer.score(
            plan: plan, run: run, messages: messages, world: world, siteTime: try TrialGenerationTests.siteTime())
        #expect(scored.strays == ["border_crossing": 1])
        var report = TrialsReport(
            runSeed: 11, outcomes: scored.outcomes, strays: scored.strays, health: scored.health, speed: 20, runS: plan.durationS, run: run,
            messages: messages.count, unparsable: 0)
        #expect(report.scored.count == 6)
        #expect(report.detected.map(\.spec.index) == [0, 1, 2, 3])
        #expect(report.misses.map(\.spec.index) == [4, 5])
        #expect(report.wrongDirection.map(\.spec.index) == [1])
        #expect(report.wrongCount.map(\.spec.index) == [2])
        #expect(report.outcomes[0].latencyMs == 12_000)
        #expect(report.outcomes[2].latencyMs == 30_000)
        #expect(report.outcomes[3].latencyMs == 5_000, "the earlier of the two incidents told first")
        #expect(report.outcomes[3].duplicates == 1 && report.duplicates == 1)
        #expect(report.outcomes[0].incidents == ["al-0"])
        #expect(report.pd == 4.0 / 6)
        #expect(abs(report.pdLowerBound - TrialStatistics.clopperPearsonLower(successes: 4, trials: 6)) < 1e-12)
        #expect(report.directionAccuracy == 0.75)
        #expect(report.falseAlerts == 1, "the stray")

        report.check(TrialThresholds(maxMissed: 2, minPdLowerBound: 0.2))
        #expect(report.failures.isEmpty)
        report.check(TrialThresholds(maxMissed: 1, minPdLowerBound: 0.99, minDirectionAccuracy: 1))
        #expect(report.failures.count == 3)

        let text = report.text
        #expect(text.contains("MISSED \(specs[4].summary)"))
        #expect(text.contains("replay: vigil-sim trials --seed 11 --only 4"))
        #expect(text.contains("seed \(specs[4].seed)"))
        #expect(text.contains("WRONG DIRECTION"))

        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(object["missed"] as? Int == 2)
        #expect(object["passed"] as? Bool == false)
        let pd = try #require(object["pd"] as? [String: Any])
        #expect(pd["lower_bound"] as? Double != nil && pd["estimate"] as? Double != nil)
        let misses = try #require(object["misses"] as? [[String: Any]])
        #expect(misses.map { $0["index"] as? Int } == [4, 5])
        #expect(misses.first?["replay"] as? String == "vigil-sim trials --seed 11 --only 4")
        let latency = try #require(object["latency_ms"] as? [String: Any])
        #expect(latency["median"] as? Double != nil && latency["p99"] as? Double != nil)
        #expect(object["direction"] as? [String: Any] != nil && object["count"] as? [String: Any] != nil)
    }

    @Test func anIncidentBelongsToTheTrialPlayingWhenItWasFirstSeen() throws {
        let (plan, run, _) = try setUp()
        let world = try Fixtures.world()
        let c0 = try crossing(plan, run, 0)
        // Told of trial 0's crossing, but first seen a day later: no trial was playing then.
        var late = alert("al-late", c0)
        late.firstTs = c0.eventTimeMs + 86_400_000
        late.lastTs = late.firstTs
        let scored = TrialScorer.score(
            plan: plan, run: run, messages: [late], world: world, siteTime: try TrialGenerationTests.siteTime())
        #expect(scored.strays == ["border_crossing": 1])
        #expect(scored.outcomes.allSatisfy { $0.incidents.isEmpty && !$0.detected })
    }
}
