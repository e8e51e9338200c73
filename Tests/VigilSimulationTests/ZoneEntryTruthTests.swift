import Testing
import VigilCore
import VigilSimulation

/// Ground truth for zones: entries found on the true path, and the rules turning them (and
/// crossings) into expected, hidden or silent events of the rules' kinds.
@Suite struct ZoneEntryTruthTests {
    /// The synthetic border of ``Fixtures/synthetic`` (555 m north of the mast, SY to the north)
    /// with a strip 200 m either side of it, a restricted disc of 100 m 300 m north of the mast
    /// (outside the strip) whose loitering_s is 30, and, given `mask`, a masked disc of 20 m at its
    /// centre.
    static func world(mask: Bool = false, rules: [Rule] = ZoneEntryTruthTests.rules) -> SimulationWorld {
        let base = Fixtures.synthetic
        let line = base.border!.line
        var zones = [
            Zone(id: "border", name: "border", kind: .border, shape: .line(line, SideNames(left: "SY", right: "IQ"))),
            Zone(id: "strip", name: "strip", kind: .strip, shape: .band(line, width: 200, side: nil)),
            Zone(
                id: "restricted", name: "restricted", kind: .restricted, shape: .circle(center: Fixtures.nearMast(north: 300), radius: 100),
                loiteringSeconds: 30),
        ]
        if mask { zones.append(Zone(id: "flare", name: "flare", kind: .mask, shape: .circle(center: Fixtures.nearMast(north: 300), radius: 20))) }
        return SimulationWorld(cameras: base.cameras, border: base.border, zones: ZoneSet(zones: zones), rules: rules)
    }

    /// The shipped rules, by hand: animals suppressed, crossings critical, a minute in the strip
    /// high, entering a restricted area medium, loitering in it high.
    static let rules: [Rule] = [
        Rule(name: "animals-never-alert", classes: [.animal], action: .suppress),
        Rule(
            name: "crossing", event: .cross, zoneKind: .border, classes: [.person, .vehicle], minConf: 0.5,
            action: .alert(kind: "border_crossing", severity: .critical)),
        Rule(
            name: "strip-intrusion", event: .dwell, zoneKind: .strip, classes: [.person, .vehicle], minConf: 0.5, afterSeconds: 60,
            action: .alert(kind: "intrusion", severity: .high)),
        Rule(
            name: "restricted-area", event: .enter, zoneKind: .restricted, classes: [.person, .vehicle], minConf: 0.5,
            action: .alert(kind: "intrusion", severity: .medium)),
        Rule(
            name: "restricted-loitering", event: .loiter, zoneKind: .restricted, classes: [.person, .vehicle], minConf: 0.5,
            action: .alert(kind: "loitering", severity: .high)),
    ]

    /// One actor walking west to east, 300 m north of the mast, from `from` to `to` metres east of
    /// it at `speed`, appearing at 5 s: through the restricted disc from east −100 to +100.
    static func walker(
        _ id: String = "p1", objectClass: ObjectClass = .person, count: Int = 1, conf: Double = 0.9, from: Double = -300,
        to: Double = 300, speed: Double = 10, dwellS: Double = 0
    ) -> ActorSpec {
        ActorSpec(
            id: id, objectClass: objectClass, count: count, speedMps: speed, startS: 5, dwellS: dwellS, conf: conf,
            path: .waypoints([Fixtures.nearMast(north: 300, east: from), Fixtures.nearMast(north: 300, east: to)]))
    }

    static func truth(_ actors: [ActorSpec], world: SimulationWorld = ZoneEntryTruthTests.world(), epochMs: Int64 = 1_000_000) -> (Simulator, GroundTruth) {
        let simulator = Simulator(scenario: Scenario(name: "t", tailS: 10, actors: actors), world: world, epochMs: epochMs)
        return (simulator, simulator.groundTruth(throughScenarioTime: simulator.duration))
    }

    @Test func anEntryIsFoundOnTheTruePathWithinATenthOfASecond() throws {
        let (simulator, _) = Self.truth([Self.walker()])
        let visit = try #require(simulator.zoneVisits.first { $0.zoneID == "restricted" })
        // 200 m at 10 m/s from 5 s: in at 25 s, out at 45 s.
        #expect(abs(visit.enteredS - 25) < 0.01, "\(visit)")
        #expect(abs(visit.leftS - 45) < 0.01, "\(visit)")
        #expect(!visit.appearedInside)
        #expect(visit.zoneKind == .restricted && visit.loiteringS == 30)
        #expect(visit.entryPosition.distance(to: Fixtures.nearMast(north: 300, east: -100)) < 0.2)
        #expect(simulator.zoneVisits.allSatisfy { $0.zoneID != "border" }, "a line has no inside")
        #expect(visit.line().hasPrefix("t=25.0s p1 entered restricted (restricted) at 36.0027"), "\(visit.line())")
    }

    @Test func anEntryIsATrueEventOfTheRulesKindWithTheFrameTimeBase() throws {
        let epochMs: Int64 = 1_800_000_000_000
        let (simulator, truth) = Self.truth([Self.walker(count: 3)], epochMs: epochMs)
        #expect(truth.all.count == 1, "\(truth.all.map(\.summary))")
        let event = try #require(truth.all.first)
        #expect(event.kind == "intrusion" && event.severity == .medium && event.zoneID == "restricted")
        #expect(event.expectation == .expected)
        #expect(event.direction == nil)
        #expect(event.actorID == "p1" && event.objectClass == .person && event.count == 3)
        let visit = try #require(simulator.zoneVisits.first { $0.zoneID == "restricted" })
        #expect(event.scenarioTime == visit.enteredS)
        #expect(event.eventTimeMs == epochMs + Int64((visit.enteredS * 1000).rounded(.down)))
        #expect(event.position == visit.entryPosition)
        #expect(truth.kinds == ["border_crossing", "intrusion", "loitering"], "every kind the rules raise is scored")
    }

    @Test func anActorThatAppearsInsideEntersAtItsStart() throws {
        let (simulator, truth) = Self.truth([Self.walker(from: -50, to: 50)])
        let visit = try #require(simulator.zoneVisits.first)
        #expect(visit.appearedInside && visit.enteredS == 5)
        #expect(truth.all.map(\.scenarioTime) == [5])
    }

    @Test func classAndConfidenceAreTheRulesOwn() {
        #expect(Self.truth([Self.walker(conf: 0.45)]).1.all.isEmpty, "below min_conf")
        #expect(Self.truth([Self.walker(objectClass: .unknown)]).1.all.isEmpty, "no rule for unknown in the restricted area")
        #expect(Self.truth([Self.walker(objectClass: .animal)]).1.all.isEmpty)
        #expect(Self.truth([Self.walker(objectClass: .vehicle)]).1.all.count == 1)
        #expect(Self.truth([Self.walker()], world: Self.world(rules: [])).1.all.isEmpty, "no rules, no zone truth")
    }

    @Test func aMaskHidesTheActorFromEveryZone() {
        let (simulator, truth) = Self.truth([Self.walker()], world: Self.world(mask: true))
        let visits = simulator.zoneVisits.filter { $0.zoneID == "restricted" }
        // In at −100 m, into the mask at −20 m, out of it at +20 m, out of the disc at +100 m.
        #expect(visits.count == 2)
        #expect(visits.map { ($0.enteredS * 10).rounded() / 10 } == [25, 37])
        #expect(visits.map { ($0.leftS * 10).rounded() / 10 } == [33, 45])
        #expect(truth.all.map(\.expectation) == [.expected, .hidden], "the second entry is the same incident's kind again")
    }

    @Test func dwellAndLoiteringAreEventsWhenTheActorStaysLongEnough() throws {
        // Standing in the disc for 40 s: loitering (over 30 s) at 35 s; not a minute in the strip.
        let standing = Self.walker(from: -10, to: 10, speed: 1, dwellS: 20)
        let truth = Self.truth([standing]).1
        #expect(truth.all.map(\.kind) == ["intrusion", "loitering"])
        #expect(truth.all.map(\.scenarioTime) == [5, 35])
        #expect(truth.all.map(\.expectation) == [.expected, .expected], "loitering is a new kind of higher severity")
        let loitering = try #require(truth.all.last)
        #expect(loitering.position.distance(to: Fixtures.nearMast(north: 300, east: 10)) < 0.5, "where the actor stands then")

        // A quick pass through the disc: no loitering.
        #expect(Self.truth([Self.walker()]).1.all.map(\.kind) == ["intrusion"])

        // In the strip for 70 s, 100 m south of the line: one intrusion (high) after a minute.
        let lingering = ActorSpec(
            id: "p2", objectClass: .person, speedMps: 1, startS: 0, dwellS: 60,
            path: .waypoints([Fixtures.nearMast(north: 455), Fixtures.nearMast(north: 455, east: 10)]))
        let strip = Self.truth([lingering]).1
        #expect(strip.all.map(\.kind) == ["intrusion"])
        #expect(strip.all.first?.severity == .high && strip.all.first?.zoneID == "strip")
        #expect(abs((strip.all.first?.scenarioTime ?? 0) - 60) < 0.001)
    }

    @Test func aCrossingAfterAnEntryIsExpectedAndADwellAfterACrossingIsHidden() throws {
        // From the centre of the restricted disc north across the line (555 m), at 5 m/s.
        let runner = ActorSpec(
            id: "p1", objectClass: .person, speedMps: 5, startS: 0,
            path: .waypoints([Fixtures.nearMast(north: 300), Fixtures.nearMast(north: 700)]))
        let (simulator, truth) = Self.truth([runner])
        #expect(truth.all.map(\.kind) == ["intrusion", "border_crossing", "intrusion"])
        #expect(truth.all.map(\.expectation) == [.expected, .expected, .hidden])
        #expect(truth.all[1].direction == "IQ->SY" && truth.all[1].severity == .critical)
        #expect(abs(truth.all[1].scenarioTime - 51) < 0.05)
        // The minute in the strip (entered about 355 m north, at 11 s) ends at 71 s, after the
        // crossing: the incident is already critical, so it may or may not say so.
        let strip = try #require(simulator.zoneVisits.first { $0.zoneID == "strip" })
        #expect(abs(strip.enteredS - 11) < 0.5)
        #expect(truth.all[2].zoneID == "strip" && truth.all[2].scenarioTime == strip.enteredS + 60)
    }

    @Test func animalsAndUnmatchedCrossingsAreSilent() {
        let herd = ActorSpec(
            id: "herd", objectClass: .animal, count: 12, speedMps: 1, path: .waypoints([Fixtures.nearMast(north: 500), Fixtures.nearMast(north: 600)]))
        let truth = Self.truth([herd]).1
        #expect(truth.all.map(\.expectation) == [.silent])
        let unknown = ActorSpec(
            id: "u1", objectClass: .unknown, speedMps: 1, path: .waypoints([Fixtures.nearMast(north: 500), Fixtures.nearMast(north: 600)]))
        #expect(Self.truth([unknown]).1.all.map(\.expectation) == [.silent], "no rule alerts on an unknown crossing here")
        let noRules = Self.truth([unknown], world: Self.world(rules: [])).1
        #expect(noRules.all.map(\.expectation) == [.expected], "without rules every crossing is expected, as before")
    }

    @Test func loopingRepeatsEntriesEveryPass() {
        let world = Self.world()
        let simulator = Simulator(scenario: Scenario(name: "t", tailS: 10, actors: [Self.walker()]), world: world, epochMs: 0, loops: true)
        let truth = simulator.groundTruth(throughScenarioTime: simulator.duration * 2.5)
        #expect(truth.all.count == 3)
        for (pass, event) in truth.all.enumerated() {
            #expect(abs(event.scenarioTime - (Double(pass) * simulator.duration + 25)) < 0.01)
            #expect(event.eventTimeMs == Int64((event.scenarioTime * 1000).rounded(.down)))
        }
    }

    @Test func theRealWorldKnowsTheDaemonsRules() throws {
        let world = try Fixtures.world()
        #expect(world.rules.map(\.name) == [
            "animals-never-alert", "town-by-day", "patrol-road", "crossing", "unknown-crossing", "strip-intrusion", "restricted-area",
            "restricted-loitering", "town-at-night", "camera-offline", "coverage-gap",
        ])
        #expect(world.zones?.zone(id: "restricted-rabia-crossing")?.kind == .restricted)
    }

    @Test func theRestrictedEntryScenarioIsOneIntrusionAtTheAreasEdge() throws {
        let world = try Fixtures.world()
        let simulator = Simulator(scenario: try Fixtures.scenario("rabia-restricted-entry"), world: world)
        let truth = simulator.groundTruth(throughScenarioTime: simulator.duration)
        let expected = truth.all.filter { $0.expectation == .expected }
        #expect(expected.count == 1, "\(truth.all.map(\.summary))")
        let entry = try #require(expected.first)
        #expect(entry.kind == "intrusion" && entry.zoneID == "restricted-rabia-crossing" && entry.severity == .medium)
        #expect(abs(entry.scenarioTime - 42.1) < 0.1)
        #expect(!truth.all.contains { $0.kind == TrueEvent.borderCrossing })
    }
}

extension GroundTruth {
    /// Every event, hidden ones included, in event-time order.
    fileprivate var all: [TrueEvent] { (events + hidden).sorted { $0.eventTimeMs < $1.eventTimeMs } }
}
