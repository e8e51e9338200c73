import Testing
import VigilCore
import VigilSimulation

/// Ground truth and the scoring of alerts against it, on hand-made alert sequences (no daemon).
@Suite struct ScoringTests {
    /// A true crossing at the synthetic mast's border, event time 1 000 000 ms.
    static let t0: Int64 = 1_000_000
    static let crossingPoint = Fixtures.nearMast(north: 555)
    static let crossing = TrueEvent(
        actorID: "p1", objectClass: .person, direction: "SY->IQ", km: 10, position: crossingPoint, scenarioTime: 42, eventTimeMs: t0)
    static let truth = GroundTruth(events: [crossing])

    /// One alert message `north` metres north of the mast, about the crossing at `t0 + dt` ms.
    private func message(
        _ id: String, _ state: String = "raised", kind: String = "border_crossing", objectClass: String = "person", count: Int? = 1,
        direction: String? = "SY->IQ", north: Double = 580, east: Double = 0, firstDt: Int64 = -20_000, lastDt: Int64 = 10_000,
        emittedDt: Int64 = 10_050
    ) -> PartialAlertMessage {
        PartialAlertMessage(
            id: id, state: state, kind: kind, objectClass: objectClass, count: count, direction: direction,
            position: Fixtures.nearMast(north: north, east: east), firstTs: Self.t0 + firstDt, lastTs: Self.t0 + lastDt,
            emittedTs: Self.t0 + emittedDt)
    }

    private func crossingScore(_ messages: [PartialAlertMessage], truth: GroundTruth = ScoringTests.truth) throws -> KindScore {
        try #require(Scorer.score(truth: truth, messages: messages)["border_crossing"])
    }

    @Test func aCorrectIncidentRaisedUpdatedAndResolvedIsOneDetection() throws {
        let score = try crossingScore([
            message("al-1"), message("al-1", "updated", north: 650, lastDt: 40_000, emittedDt: 40_020),
            message("al-1", "resolved", north: 700, lastDt: 70_000, emittedDt: 100_000),
        ])
        #expect(score.expected == 1)
        #expect(score.incidents == 1)
        #expect(score.detected == 1)
        #expect(score.missed == 0 && score.duplicates == 0 && score.falseAlerts == 0 && score.countErrors == 0)
        #expect(score.latenciesMs == [10_050], "from the true event time to the first message's emitted_ts")
        #expect(score.latencyMedianMs == 10_050 && score.latencyP99Ms == 10_050 && score.latencyMaxMs == 10_050)
    }

    @Test func aSecondIncidentForTheSameCrossingIsADuplicate() throws {
        let score = try crossingScore([
            message("al-1"), message("al-2", north: 600, east: 20, lastDt: 5_000, emittedDt: 6_000), message("al-1", "resolved"),
        ])
        #expect(score.incidents == 2)
        #expect(score.detected == 1)
        #expect(score.duplicates == 1)
        #expect(score.falseAlerts == 0)
        #expect(score.latenciesMs == [6_000], "the earliest matched incident tells first")
    }

    @Test func anIncidentFarFromAnyCrossingIsAFalseAlertAndTheCrossingIsMissed() throws {
        let score = try crossingScore([message("al-9", north: 2_500)])
        #expect(score.falseAlerts == 1)
        #expect(score.falseIncidentIDs == ["al-9"])
        #expect(score.missed == 1)
        #expect(score.missedEvents == [Self.crossing])
        #expect(score.latenciesMs.isEmpty && score.latencyP99Ms == nil)
    }

    @Test func noAlertsIsAMiss() throws {
        let score = try crossingScore([])
        #expect(score.expected == 1 && score.missed == 1 && score.detected == 0 && score.incidents == 0)
        #expect(score.detectedFraction == 0)
    }

    @Test func theWrongDirectionOrClassDoesNotMatch() throws {
        let wrongWay = try crossingScore([message("al-1", direction: "IQ->SY")])
        #expect(wrongWay.missed == 1 && wrongWay.falseAlerts == 1)
        let noDirection = try crossingScore([message("al-1", direction: nil)])
        #expect(noDirection.missed == 1 && noDirection.falseAlerts == 1)
        let wrongClass = try crossingScore([message("al-1", objectClass: "vehicle")])
        #expect(wrongClass.missed == 1 && wrongClass.falseAlerts == 1)
    }

    @Test func theIncidentWindowMustOverlapTheCrossingTimeWithinTheTolerance() throws {
        // first_ts 2 min after the crossing: 60 s of tolerance is not enough.
        let late = try crossingScore([message("al-1", firstDt: 120_000, lastDt: 130_000, emittedDt: 130_100)])
        #expect(late.missed == 1 && late.falseAlerts == 1)
        // 50 s after: within the tolerance.
        let close = try crossingScore([message("al-1", firstDt: 50_000, lastDt: 55_000, emittedDt: 55_010)])
        #expect(close.detected == 1)
        // The distance is measured at the first border_crossing message: 400 m off is too far.
        let far = try crossingScore([message("al-1", north: 955)])
        #expect(far.missed == 1)
        let wider = Scorer.score(truth: Self.truth, messages: [message("al-1", north: 955)], parameters: MatchParameters(matchDistanceM: 500))
        #expect(wider["border_crossing"]?.detected == 1)
    }

    @Test func anIntrusionUpdatedToACrossingMatchesAtItsFirstCrossingMessage() throws {
        let score = try crossingScore([
            message("al-1", kind: "intrusion", direction: nil, north: 2_000, firstDt: -90_000, lastDt: -30_000, emittedDt: -29_990),
            message("al-1", "updated", north: 590, firstDt: -90_000, lastDt: 12_000, emittedDt: 12_030),
        ])
        #expect(score.detected == 1 && score.falseAlerts == 0)
        #expect(score.latenciesMs == [12_030], "latency to the message that told of the crossing")
    }

    @Test func animalsCrossingAreInTheTruthButExpectNoAlertAndAlertingOnThemIsFalse() throws {
        var herd = Self.crossing
        herd.actorID = "herd"
        herd.objectClass = .animal
        let truth = GroundTruth(events: [Self.crossing, herd])
        let quiet = try crossingScore([message("al-1")], truth: truth)
        #expect(quiet.expected == 1 && quiet.silent == 1 && quiet.detected == 1 && quiet.falseAlerts == 0)
        let noisy = try crossingScore([message("al-1"), message("al-2", objectClass: "animal")], truth: truth)
        #expect(noisy.falseAlerts == 1 && noisy.duplicates == 0)
    }

    @Test func otherKindsAreCountedWithoutBeingJudged() {
        let score = Scorer.score(truth: Self.truth, messages: [message("al-1"), message("al-5", kind: "intrusion", direction: nil)])
        #expect(score.otherIncidents == ["intrusion": 1])
        #expect(score["border_crossing"]?.falseAlerts == 0)
        #expect(score.table.contains("intrusion"))
    }

    @Test func alertPayloadsAreParsedLeniently() throws {
        let payload = #"{"v":1,"seq":4,"id":"al-7f","state":"raised","kind":"border_crossing","severity":"critical","class":"person","count":1,"lat":36.79213,"lon":42.08931,"direction":"SY->IQ","cameras":["c"],"first_ts":1795228381000,"last_ts":1795228387250,"emitted_ts":1795228387253}"#
        let parsed = try #require(PartialAlertMessage.parse(Array(payload.utf8)))
        #expect(parsed.seq == 4 && parsed.id == "al-7f" && parsed.kind == "border_crossing" && parsed.objectClass == "person")
        #expect(parsed.position == GeoPoint(lat: 36.79213, lon: 42.08931))
        #expect(parsed.count == 1)
        #expect(parsed.cameras == ["c"])
        #expect(PartialAlertMessage.parse(Array(#"{"id":"x","cameras":"c"}"#.utf8))?.cameras == nil, "not an array")
        #expect(PartialAlertMessage.parse(Array(#"{"id":"x","cameras":["a",2,"b"]}"#.utf8))?.cameras == ["a", "b"])
        #expect(parsed.firstTs == 1_795_228_381_000 && parsed.lastTs == 1_795_228_387_250 && parsed.emittedTs == 1_795_228_387_253)
        #expect(PartialAlertMessage.parse(Array("not json".utf8)) == nil)
        #expect(PartialAlertMessage.parse(Array(#"{"seq":1}"#.utf8)) == nil)
        #expect(PartialAlertMessage.parse(Array(#"{"id":"x","lat":"north"}"#.utf8))?.position == nil)
        let small = try #require(PartialAlertMessage.parse(Array(#"{"id":"x","seq":1,"count":0,"first_ts":true}"#.utf8)))
        #expect(small.seq == 1 && small.count == 0, "0 and 1 are numbers")
        #expect(small.firstTs == nil, "a boolean is not")
    }

    @Test func latencyInAnAcceleratedRunIsDetectionDelayInEventTimePlusProcessingDelayInWallTime() {
        // ×40 over 400 s: event time starts 390 s before the wall clock.
        let mapping = TimeMapping.accelerated(speed: 40, duration: 400, wallStartMs: 10_000_000)
        #expect(mapping.epochMs == 10_000_000 - 390_000)
        // The frame at scenario time 100 s carries ts epoch+100000 and is due at wall start + 2.5 s.
        let lastTs = mapping.epochMs + 100_000
        let emitted: Int64 = 10_000_000 + 2_500 + 30  // 30 ms of processing
        #expect(mapping.eventTimeMs(emittedMs: emitted, lastTs: lastTs) == lastTs + 30)
        // A crossing at scenario time 90 s: 10 s of detection delay plus 30 ms.
        let truth = GroundTruth(events: [
            TrueEvent(
                actorID: "p1", objectClass: .person, direction: "SY->IQ", km: 1, position: Self.crossingPoint, scenarioTime: 90,
                eventTimeMs: mapping.epochMs + 90_000)
        ])
        let alert = PartialAlertMessage(
            id: "al-1", kind: "border_crossing", objectClass: "person", direction: "SY->IQ", position: Self.crossingPoint,
            firstTs: mapping.epochMs + 60_000, lastTs: lastTs, emittedTs: emitted)
        let score = Scorer.score(truth: truth, messages: [alert], mapping: mapping)
        #expect(score["border_crossing"]?.latenciesMs == [10_030])
        // In real time, emitted_ts is event time.
        let realTime = TimeMapping.realTime(wallStartMs: 5_000)
        #expect(realTime.eventTimeMs(emittedMs: 123_456, lastTs: 120_000) == 123_456)
    }

    @Test func percentilesAreNearestRank() {
        let values = (1...100).map(Double.init)
        #expect(KindScore.percentile(values, 0.5) == 50)
        #expect(KindScore.percentile(values, 0.99) == 99)
        #expect(KindScore.percentile([7], 0.99) == 7)
        #expect(KindScore.percentile([3, 9], 0.5) == 3)
        #expect(KindScore.percentile([], 0.5) == nil)
    }

    @Test func thresholdsNameWhatIsNotMet() {
        let good = KindScore(kind: "border_crossing", expected: 4, incidents: 4, detected: 4, missed: 0, duplicates: 0, falseAlerts: 0, latenciesMs: [100, 200, 300, 400])
        let bad = KindScore(kind: "border_crossing", expected: 4, incidents: 6, detected: 3, missed: 1, duplicates: 2, falseAlerts: 1, latenciesMs: [100, 200, 9_000])
        let strict = ScoreThresholds(minDetected: 1, maxDuplicates: 0, maxFalse: 0, maxLatencyMs: 500)
        #expect(strict.failures(of: Score(kinds: [good])).isEmpty)
        let failures = strict.failures(of: Score(kinds: [bad]))
        #expect(failures.count == 4, "\(failures)")
        #expect(failures.contains { $0.contains("--min-detected") })
        #expect(failures.contains { $0.contains("--max-duplicates") })
        #expect(failures.contains { $0.contains("--max-false") })
        #expect(failures.contains { $0.contains("--max-latency-ms") })
        #expect(ScoreThresholds().failures(of: Score(kinds: [bad])).isEmpty, "no limits, no failures")
        #expect(ScoreThresholds(minDetected: 0.75, maxDuplicates: 2, maxFalse: 1, maxLatencyMs: 9_000).failures(of: Score(kinds: [bad])).isEmpty)
        // Nothing expected: detection is vacuously complete, and no latency to judge.
        let none = KindScore(kind: "border_crossing", expected: 0, incidents: 0, detected: 0, missed: 0, duplicates: 0, falseAlerts: 0, latenciesMs: [])
        #expect(strict.failures(of: Score(kinds: [none])).isEmpty)
    }

    @Test func theScoreGoesIntoTheJSONSummary() {
        let score = Score(
            kinds: [KindScore(kind: "border_crossing", expected: 1, incidents: 1, detected: 1, missed: 0, duplicates: 0, falseAlerts: 0, latenciesMs: [250])],
            messages: 4)
        var summary = RunSummary(sent: 10, detections: 2, hostile: 0, seconds: 1)
        summary.score = score
        summary.scoreFailures = ["1 false \"alerts\""]
        #expect(summary.json.hasPrefix(#"{"sent":10,"detections":2,"seconds":1.000000,"rate":10.0,"hostile":0,"score":{"messages":4,"#))
        #expect(summary.json.contains(#""border_crossing":{"expected":1,"silent":0,"incidents":1,"detected":1,"missed":0,"duplicates":0,"false":0,"#))
        #expect(summary.json.contains(#""latency_ms":{"median":250.0,"p99":250.0,"max":250.0}"#))
        #expect(summary.json.hasSuffix(#""passed":false,"failures":["1 false \"alerts\""]}}"#))
    }

    /// A true entry into a restricted area 30 s before the crossing, 400 m short of it.
    static let entry = TrueEvent(
        kind: "intrusion", actorID: "p1", objectClass: .person, direction: nil, km: 10, position: Fixtures.nearMast(north: 155),
        scenarioTime: 12, eventTimeMs: t0 - 30_000, zoneID: "restricted", severity: .medium)

    @Test func aGroupIsACountErrorWhenItsIncidentReportsAnotherCount() throws {
        var group = Self.crossing
        group.count = 6
        let truth = GroundTruth(events: [group])
        let right = try crossingScore([message("al-1", count: 2), message("al-1", "updated", count: 6)], truth: truth)
        #expect(right.detected == 1 && right.countErrors == 0, "the largest count over the incident's messages")
        let wrong = try crossingScore([message("al-1", count: 1), message("al-1", "resolved", count: 1)], truth: truth)
        #expect(wrong.detected == 1 && wrong.countErrors == 1)
        #expect(wrong.countMismatches == [CountMismatch(event: group, incidentID: "al-1", reported: 1)])
        let none = try crossingScore([message("al-1", count: nil)], truth: truth)
        #expect(none.countErrors == 1, "no count at all is an error")
        // Six incidents of one each (a daemon without groups): one detection, five duplicates, one count error.
        let split = try crossingScore((1...6).map { message("al-\($0)", count: 1, east: Double($0) * 5) }, truth: truth)
        #expect(split.detected == 1 && split.duplicates == 5 && split.countErrors == 1)
        let score = Scorer.score(truth: truth, messages: [message("al-1", count: 1)])
        #expect(score.table.contains("count: p1 (6 × person) SY->IQ at km 10.0, t=42.0s: 6 true, incident al-1 says 1"), "\(score.table)")
        #expect(score.json().contains(#""false":0,"count_errors":1,"hidden":0,"#))
        let failures = ScoreThresholds(maxCountErrors: 0).failures(of: score)
        #expect(failures == ["1 count errors, over --max-count-errors 0"])
        #expect(ScoreThresholds(maxCountErrors: 1).failures(of: score).isEmpty)
        #expect(ScoreThresholds().failures(of: score).isEmpty, "not checked by default")
    }

    @Test func anIncidentWhoseKindRoseMatchesOneEventOfEachKind() throws {
        let truth = GroundTruth(events: [Self.crossing, Self.entry])
        let messages = [
            message("al-1", kind: "intrusion", direction: nil, north: 160, firstDt: -30_200, lastDt: -29_700, emittedDt: -29_650),
            message("al-1", "updated", north: 590, firstDt: -30_200, lastDt: 12_000, emittedDt: 12_030),
        ]
        let score = Scorer.score(truth: truth, messages: messages)
        let intrusion = try #require(score["intrusion"])
        let crossing = try #require(score["border_crossing"])
        #expect(intrusion.expected == 1 && intrusion.detected == 1 && intrusion.falseAlerts == 0 && intrusion.incidents == 1)
        #expect(intrusion.latenciesMs == [350])
        #expect(crossing.expected == 1 && crossing.detected == 1 && crossing.falseAlerts == 0 && crossing.incidents == 1)
        #expect(crossing.latenciesMs == [12_030])
        #expect(score.otherIncidents.isEmpty)
    }

    @Test func zoneEventsMatchWithoutADirectionButByClassPlaceAndTime() throws {
        let truth = GroundTruth(events: [Self.entry])
        func intrusion(_ messages: [PartialAlertMessage]) throws -> KindScore { try #require(Scorer.score(truth: truth, messages: messages)["intrusion"]) }
        #expect(try intrusion([message("al-1", kind: "intrusion", direction: nil, north: 200, lastDt: -29_000)]).detected == 1)
        #expect(try intrusion([message("al-1", kind: "intrusion", objectClass: "vehicle", direction: nil, north: 200)]).falseAlerts == 1)
        #expect(try intrusion([message("al-1", kind: "intrusion", direction: nil, north: 700)]).falseAlerts == 1, "545 m away")
        #expect(
            try intrusion([message("al-1", kind: "intrusion", direction: nil, north: 200, firstDt: 40_000, lastDt: 50_000)]).falseAlerts == 1,
            "70 s after the entry")
    }

    @Test func hiddenEventsMayBeToldOrNotAndSilentOnesMustNotBe() throws {
        var dwell = Self.entry
        dwell.zoneID = "strip"
        dwell.severity = .high
        dwell.expectation = .hidden
        dwell.eventTimeMs = Self.t0 + 20_000
        dwell.position = Self.crossingPoint
        let truth = GroundTruth(events: [Self.crossing, dwell])
        // Not told: nothing missed.
        let quiet = try #require(Scorer.score(truth: truth, messages: [message("al-1")])["intrusion"])
        #expect(quiet.expected == 0 && quiet.hidden == 1 && quiet.missed == 0 && quiet.falseAlerts == 0)
        #expect(quiet.detectedFraction == 1)
        // Told (the daemon saw the dwell before it confirmed the crossing): not false, not a detection.
        let told = Scorer.score(
            truth: truth,
            messages: [
                message("al-1", kind: "intrusion", direction: nil, north: 560, lastDt: 15_000, emittedDt: 15_020),
                message("al-1", "updated", north: 590, lastDt: 20_000, emittedDt: 20_010),
            ])
        #expect(told["intrusion"]?.falseAlerts == 0 && told["intrusion"]?.detected == 0 && told["intrusion"]?.incidents == 1)
        #expect(told["border_crossing"]?.detected == 1)
        // A silent event (the rules suppress it) is never matched: an incident about it is false.
        var silent = Self.entry
        silent.expectation = .silent
        let noisy = try #require(
            Scorer.score(truth: GroundTruth(events: [silent]), messages: [message("al-1", kind: "intrusion", direction: nil, north: 160)])["intrusion"])
        #expect(noisy.silent == 1 && noisy.expected == 0 && noisy.falseAlerts == 1)
    }

    @Test func kindsTheRulesCanRaiseAreScoredEvenWithoutEvents() throws {
        let truth = GroundTruth(events: [Self.crossing], alertKinds: ["border_crossing", "intrusion"])
        let score = Scorer.score(truth: truth, messages: [message("al-1"), message("al-5", kind: "intrusion", direction: nil)])
        #expect(score["intrusion"]?.falseAlerts == 1 && score["intrusion"]?.expected == 0)
        #expect(score.otherIncidents.isEmpty)
        #expect(ScoreThresholds(maxFalse: 0).failures(of: score) == ["1 false alerts, over --max-false 0"])
    }

    @Test func rabiaGroundTruthIsExactlyOneCrossingSYToIQAtKm558() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-lone-crossing")
        let epochMs: Int64 = 1_800_000_000_000
        var simulator = Simulator(scenario: scenario, world: world, epochMs: epochMs)
        #expect(simulator.groundTruth.events.isEmpty, "nothing played yet")
        var sawCrossingMidway = false
        while let frame = simulator.next() {
            if frame.scenarioTime > 41.5 && frame.scenarioTime < 41.9 { sawCrossingMidway = simulator.groundTruth.events.isEmpty }
        }
        #expect(sawCrossingMidway, "the crossing enters the truth only once played")
        let truth = simulator.groundTruth
        #expect(truth.events.count == 1)
        let event = try #require(truth.events.first)
        #expect(event.kind == "border_crossing")
        #expect(event.actorID == "p1" && event.objectClass == .person && event.count == 1)
        #expect(event.direction == "SY->IQ")
        #expect(abs(event.km - 558.0) < 0.01)
        #expect(abs(event.scenarioTime - 42.0) < 0.05)
        #expect(event.eventTimeMs == epochMs + Int64((event.scenarioTime * 1000).rounded(.down)))
        #expect(event.position.distance(to: GeoPoint(lat: 36.835490, lon: 42.113047)) < 5)
        #expect(event.severity == .critical && event.expectation == .expected)
        // His minute in the strip (t=62 s) comes after the crossing: the incident may not say so.
        #expect(truth.hidden.map(\.kind) == ["intrusion"])
        #expect(truth.hidden.map(\.zoneID) == ["iq-sy-strip"])
    }

    @Test func alQaimGroundTruthHasTheVehicleAndTheHerdWhichExpectsNoAlert() throws {
        let world = try Fixtures.world()
        let simulator = Simulator(scenario: try Fixtures.scenario("alqaim-mixed"), world: world)
        let truth = simulator.groundTruth(throughScenarioTime: simulator.duration)
        #expect(truth.events.map(\.actorID) == ["v1", "herd", "herd"])
        #expect(truth.events.map(\.direction) == ["SY->IQ", "SY->IQ", "IQ->SY"])
        let score = Scorer.score(truth: truth, messages: [])
        #expect(score["border_crossing"]?.expected == 1)
        #expect(score["border_crossing"]?.silent == 2)
    }

    @Test func aLoopingSimulatorRepeatsTheTruthEveryPass() throws {
        let world = try Fixtures.world()
        let simulator = Simulator(scenario: try Fixtures.scenario("rabia-lone-crossing"), world: world, epochMs: 0, loops: true)
        let truth = simulator.groundTruth(throughScenarioTime: simulator.duration * 2.5)
        #expect(truth.events.count == 3)
        #expect(abs(truth.events[2].scenarioTime - (2 * simulator.duration + 42)) < 0.05)
    }
}
