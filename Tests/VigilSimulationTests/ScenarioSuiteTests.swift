import Foundation
import Testing
import VigilCore
import VigilSimulation

/// The scenario suite in `Config/scenarios/`: every file loads and has something to score, and
/// each scenario is what its name says (three cameras, a group, a herd beside a person, one fault).
@Suite struct ScenarioSuiteTests {
    /// Every scenario file's name (without `.yaml`), from the directory.
    static func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(Fixtures.configDirectory)/scenarios")) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// One whole pass of `name` and its ground truth.
    private func played(_ name: String) throws -> (Scenario, Simulator, GroundTruth) {
        let scenario = try Fixtures.scenario(name)
        let simulator = Simulator(scenario: scenario, world: try Fixtures.world(), epochMs: 1_800_000_000_000)
        return (scenario, simulator, simulator.groundTruth(throughScenarioTime: simulator.duration))
    }

    @Test func theSuiteCoversEverySituation() {
        let names = Self.names()
        for name in [
            "rabia-lone-crossing", "rabia-three-cameras", "sinjar-group", "baaj-herd-and-person", "rabia-restricted-entry",
            "fault-duplicates", "fault-reorder", "fault-clock-skew", "fault-drops", "fault-track-switch", "fault-reboot",
        ] {
            #expect(names.contains(name), "Config/scenarios/\(name).yaml")
        }
    }

    @Test(arguments: names())
    func everyScenarioLoadsAndHasSomethingToScore(name: String) throws {
        let (scenario, simulator, truth) = try played(name)
        #expect(scenario.name == name, "the file's name is the scenario's")
        let expected = truth.events.filter { $0.expectation == .expected }
        let silent = truth.events.filter { $0.expectation == .silent }
        // A scenario with nothing expected must be explicitly silent: animals (or what the rules
        // suppress) doing what would otherwise alert.
        #expect(!expected.isEmpty || !silent.isEmpty, "\(name): nothing to score")
        #expect(scenario.faults.reorderMs <= 1_000, "within the daemon's reordering bound")
        #expect(scenario.tailS >= 35, "open incidents resolve (30 s) before the scenario ends")
        let text = try String(contentsOfFile: "\(Fixtures.configDirectory)/scenarios/\(name).yaml", encoding: .utf8)
        #expect(text.hasPrefix("# Scenario for vigil-sim (Simulator/VigilSimulation/Scenario.swift documents the format).\n#\n#   name,"))
        // Every expected event happens where the reporting cameras can see it.
        let cameras = scenario.reportingCameras(of: try Fixtures.world().cameras)
        for event in expected {
            let seeing = cameras.filter { $0.sees(event.position) }.count
            #expect(seeing >= min(2, cameras.count), "\(name): \(event.summary) is seen by \(seeing) cameras")
        }
        #expect(simulator.duration <= 320, "\(name) lasts \(simulator.duration) s")
    }

    @Test func threeCamerasSeeTheWholeRabiaPathAtOnce() throws {
        let (scenario, simulator, truth) = try played("rabia-three-cameras")
        let cameras = scenario.reportingCameras(of: try Fixtures.world().cameras)
        let trajectory = try #require(simulator.trajectories.first)
        var seen: Set<String> = []
        var t = trajectory.startS
        while t <= trajectory.arrivalS {
            let seeing = cameras.filter { $0.sees(trajectory.pathPoint(at: t)) }
            #expect(seeing.count >= 3, "at t=\(t) only \(seeing.map(\.id))")
            seen.formUnion(seeing.map(\.id))
            t += 1 / trajectory.speedMps  // every metre
        }
        #expect(seen == ["cam-rabia-24", "cam-rabia-25", "cam-rabia-26"])
        #expect(truth.events.map(\.kind) == ["border_crossing"])
        #expect(truth.events.first?.direction == "SY->IQ")
        #expect(simulator.duration / 40 < 5, "a few seconds at --speed 40")
    }

    @Test func theSinjarGroupIsOneCrossingOfSix() throws {
        let (scenario, simulator, truth) = try played("sinjar-group")
        let group = try #require(scenario.actors.first)
        #expect((4...12).contains(group.count) && (4...6).contains(group.spreadM))
        #expect(scenario.cameraPrefixes == ["cam-sinjar-"])
        #expect(truth.events.count == 1)
        let crossing = try #require(truth.events.first)
        #expect(crossing.kind == TrueEvent.borderCrossing && crossing.expectation == .expected)
        #expect(crossing.count == 6 && crossing.actorID == group.id)
        // Members move together: none more than 10 m from the group's centre.
        #expect(simulator.trajectories[0].memberOffsets.allSatisfy { $0.length <= 10 })
    }

    @Test func theBaajHerdMovesBesideThePersonAndOnlyThePersonIsExpected() throws {
        let (scenario, simulator, truth) = try played("baaj-herd-and-person")
        let herdIndex = try #require(scenario.actors.firstIndex { $0.objectClass == .animal })
        let personIndex = try #require(scenario.actors.firstIndex { $0.objectClass == .person })
        #expect(scenario.actors[herdIndex].count > 1)
        let expected = truth.events.filter { $0.expectation == .expected }
        #expect(expected.map(\.kind) == [TrueEvent.borderCrossing])
        #expect(expected.first?.actorID == scenario.actors[personIndex].id)
        let herdCrossings = truth.events.filter { $0.actorID == scenario.actors[herdIndex].id }
        #expect(herdCrossings.map(\.expectation) == [.silent], "the herd crosses too, silently")
        // While both are present: the herd's centre 100-200 m from the person, every animal more
        // than the daemon's 60 m fusion distance from him.
        let herd = simulator.trajectories[herdIndex], person = simulator.trajectories[personIndex]
        var t = max(herd.startS, person.startS)
        while t < min(herd.endS, person.endS) {
            let man = person.pathPoint(at: t)
            let centre = herd.pathPoint(at: t)
            #expect((100...200).contains(man.distance(to: centre)), "t=\(t)")
            let state = try #require(herd.state(at: t))
            for offset in herd.memberOffsets {
                #expect(herd.geoPoint(state.position + offset).distance(to: man) > 60, "t=\(t)")
            }
            t += 5
        }
    }

    @Test(arguments: [
        ("fault-duplicates", Faults(duplicate: 0.3)),
        ("fault-reorder", Faults(reorderMs: 800)),
        ("fault-clock-skew", Faults(clockSkewMs: ["cam-rabia-16": 1_000, "cam-rabia-17": -1_500])),
        ("fault-drops", Faults(drop: 0.3)),
        ("fault-track-switch", Faults(trackSwitchS: 4)),
        ("fault-reboot", Faults(rebootAtS: [40])),
    ])
    func eachFaultScenarioIsTheLoneCrossingWithOneFault(name: String, faults: Faults) throws {
        let (scenario, simulator, truth) = try played(name)
        #expect(scenario.faults == faults)
        let (lone, loneSimulator, loneTruth) = try played("rabia-lone-crossing")
        #expect(scenario.seed == lone.seed && scenario.cameraPrefixes == lone.cameraPrefixes)
        #expect(simulator.events == loneSimulator.events, "the same actor doing the same thing")
        #expect(truth == loneTruth, "faults change what is sent, never what happened")
        #expect(truth.events.map(\.kind) == [TrueEvent.borderCrossing])
    }
}
