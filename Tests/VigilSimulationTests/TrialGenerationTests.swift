import Testing
import VigilConfig
import VigilCore
import VigilSimulation

/// Randomised detection trials: made the same from the same seed, covering every class of
/// crossing, honest (in view, one crossing, expected by the truth), and scheduled so that
/// trials played together cannot interact.
@Suite struct TrialGenerationTests {
    static let generator = Result { () throws -> TrialGenerator in try TrialGenerator(world: Fixtures.world()) }
    private func generator() throws -> TrialGenerator { try Self.generator.get() }

    /// The site's time, as the daemon reads it from the rules.
    static func siteTime() throws -> SiteTime {
        try RulesFile.loadContents(path: "\(Fixtures.configDirectory)/rules.yaml", zones: Fixtures.zones()).siteTime
    }

    @Test func theSameSeedMakesTheSameTrialsAloneOrInARun() throws {
        let generator = try generator()
        let run = generator.trials(runSeed: 7, count: 24)
        for index in [0, 5, 17, 23] {
            #expect(generator.trial(runSeed: 7, index: index) == run[index], "--only \(index) plays the trial the run played")
        }
        let again = try TrialGenerator(world: Fixtures.world())
        #expect(again.trials(runSeed: 7, count: 24) == run)
        let other = generator.trials(runSeed: 8, count: 24)
        #expect(zip(run, other).filter { $0 == $1 }.isEmpty, "another seed, other trials")
        let seeds = Set((0..<1_000).map { TrialGenerator.trialSeed(runSeed: 7, index: $0) })
        #expect(seeds.count == 1_000)
        #expect(run.map(\.seed) == (0..<24).map { TrialGenerator.trialSeed(runSeed: 7, index: $0) })
        #expect(run[5].replay == "vigil-sim trials --seed 7 --only 5")
    }

    @Test(arguments: [1, 2, 99] as [UInt64])
    func everyClassOfTrialIsInARunOf40(seed: UInt64) throws {
        let trials = try generator().trials(runSeed: seed, count: 40)
        #expect(Set(trials.map(\.mode)) == Set(TrialMode.allCases))
        #expect(Set(trials.map { $0.members > 1 }) == [true, false])
        #expect(Set(trials.map(\.angle)) == Set(TrialAngle.allCases))
        #expect(Set(trials.map(\.placement)) == Set(TrialPlacement.allCases))
        #expect(Set(trials.map(\.terrain)) == Set(TrialTerrain.allCases))
        #expect(Set(trials.map(\.light)) == Set(TrialLight.allCases))
        #expect(Set(trials.map(\.fault)) == Set(TrialFault.allCases))
        #expect(Set(trials.map(\.direction)) == ["SY->IQ", "IQ->SY"])
        #expect(trials.filter { $0.light == .day }.count == 20, "half by day, half at night")
        #expect(trials.filter { $0.members > 1 }.count == 20)
    }

    @Test func aRunOf300SpansTheRanges() throws {
        let trials = try generator().trials(runSeed: 1, count: 300)
        let groups = trials.filter { $0.members > 1 }.map(\.members)
        #expect(Set(groups) == Set(2...8), "groups of 2 to 8")
        #expect(trials.filter { $0.mode == .vehicle }.map(\.speedMps).max() ?? 0 > 27, "vehicles up to 30 m/s")
        #expect(trials.filter { $0.mode == .crawl }.allSatisfy { abs($0.speedMps - 0.3) <= 0.05 }, "crawling at 0.3 m/s")
        let towns = Set(trials.compactMap(\.townID))
        #expect(towns.contains { $0 == "town-rabia" || $0 == "town-al-yarubiyah" }, "the Rabia crossing's towns")
        #expect(towns.contains { $0 == "town-al-qaim" || $0 == "town-husaybah" }, "Al-Qaim and Husaybah")
        let stretches = Set(trials.flatMap(\.cameras).map { String($0.split(separator: "-")[1]) })
        #expect(stretches == ["qaim", "baaj", "sinjar", "rabia"], "every covered stretch")
        for mode in TrialMode.allCases {
            for light in TrialLight.allCases {
                #expect(trials.contains { $0.mode == mode && $0.light == light && $0.members > 1 }, "\(mode) groups by \(light)")
            }
        }
    }

    @Test func trialsAreHonest() throws {
        let generator = try generator()
        let world = try Fixtures.world()
        let zones = try #require(world.zones)
        let borderIndex = try #require(zones.zones.firstIndex { $0.kind == .border })
        let coverage = BorderCoverage(cameras: world.cameras, zones: zones.zones)
        let camerasByID = Dictionary(uniqueKeysWithValues: world.cameras.enumerated().map { ($1.id, $0) })
        func covering(_ km: Double) -> [Int] {
            world.cameras.indices.filter { camera in
                coverage.intervals(camera: camera).contains { $0.border == borderIndex && $0.fromKm <= km && km <= $0.toKm }
            }
        }
        let edges = world.cameras.indices.flatMap { coverage.intervals(camera: $0).filter { $0.border == borderIndex } }.flatMap { [$0.fromKm, $0.toKm] }
        for spec in generator.trials(runSeed: 3, count: 96) {
            let label = spec.summary
            #expect(!spec.cameras.isEmpty, "\(label)")
            switch spec.mode {
            case .crawl: #expect((0.25...0.35).contains(spec.speedMps), "\(label)")
            case .walk: #expect((1.0...1.8).contains(spec.speedMps), "\(label)")
            case .run: #expect((2.5...5).contains(spec.speedMps), "\(label)")
            case .vehicle: #expect((5...30).contains(spec.speedMps), "\(label)")
            }
            #expect(spec.members == 1 || (2...8).contains(spec.members), "\(label)")
            #expect(spec.placement == .farRange ? (0.55...0.62).contains(spec.conf) : spec.conf >= 0.8, "\(label)")
            #expect(spec.angle == .square ? abs(spec.slantDeg) <= 3 : (30...55).contains(abs(spec.slantDeg)), "\(label)")
            #expect(abs(spec.faults.skewMs(of: spec.cameras[0])) <= Int64(Faults.maxSkewMs) && spec.faults.reorderMs <= Faults.maxReorderMs)
            #expect((spec.fault == .none) == (spec.faults == .none), "\(label)")
            // Where it crosses.
            let towns = zones.zonesContaining(spec.crossing).filter { zones.zones[$0].kind == .town }.map { zones.zones[$0].id }
            #expect(spec.terrain == .town ? towns.contains(spec.townID ?? "") : towns.isEmpty, "\(label)")
            let seeing = covering(spec.km)
            // Twice in the stretches' interior, once near their ends.
            #expect(!seeing.isEmpty, "\(label)")
            #expect(seeing.count == spec.camerasAtCrossing, "\(label)")
            switch spec.placement {
            case .fovEdge: #expect(edges.contains { abs($0 - spec.km) * 1_000 <= 10.01 }, "\(label)")
            case .overlap2: #expect(seeing.count == 2, "\(label)")
            case .overlap3: #expect(seeing.count >= 3, "\(label)")
            case .farRange: #expect(spec.nearestCameraM >= 1_250, "\(label)")
            }
            #expect(seeing.allSatisfy { spec.cameras.contains(world.cameras[$0].id) }, "the trial drives the cameras that see its crossing")
            #expect(spec.cameras.allSatisfy { camerasByID[$0] != nil })
            // The truth: one crossing, expected, as the trial says.
            let simulator = Simulator(scenario: spec.scenario, world: spec.world(in: world))
            let truth = simulator.groundTruth(throughScenarioTime: simulator.duration)
            let crossings = (truth.events + truth.hidden).filter { $0.kind == TrueEvent.borderCrossing }
            #expect(crossings.count == 1, "\(label)")
            if let crossing = crossings.first {
                #expect(crossing.expectation == .expected, "\(label)")
                #expect(crossing.direction == spec.direction && crossing.objectClass == spec.objectClass && crossing.count == spec.members)
                #expect(abs(crossing.km - spec.km) < 0.05, "\(label): crosses at km \(crossing.km)")
                #expect(spec.cameras.contains { world.cameras[camerasByID[$0]!].sees(crossing.position) }, "\(label)")
            }
            #expect(simulator.cameras.map(\.id) == spec.cameras)
        }
    }

    @Test func trialsPlayedTogetherCannotInteract() throws {
        let specs = try generator().trials(runSeed: 5, count: 96)
        let plan = TrialPlan(specs: specs, world: try Fixtures.world())
        #expect(plan.entries.map(\.spec) == specs)
        #expect(plan.phases.map(\.light) == [.night, .day])
        let night = plan.entries.filter { $0.spec.light == .night }, day = plan.entries.filter { $0.spec.light == .day }
        #expect(night.allSatisfy { $0.phase == 0 && $0.endS < plan.phases[0].endS })
        #expect(day.allSatisfy { $0.phase == 1 && $0.startS >= plan.phases[1].startS && $0.endS < plan.phases[1].endS })
        #expect(plan.peakConcurrency > 5, "trials are played together")
        for (i, a) in plan.entries.enumerated() {
            for b in plan.entries[(i + 1)...] {
                let apart = a.startS - TrialPlan.quietS >= b.endS + TrialPlan.resolveS || b.startS - TrialPlan.quietS >= a.endS + TrialPlan.resolveS
                if apart { continue }
                #expect(Set(a.spec.cameras).isDisjoint(with: b.spec.cameras), "\(a.spec.actorID) and \(b.spec.actorID) share a camera")
                #expect(a.spec.crossing.distance(to: b.spec.crossing) >= TrialPlan.separationM)
            }
        }
    }

    @Test func nightTrialsCrossAtNightAndDayTrialsByDayInTheSitesTime() throws {
        let siteTime = try Self.siteTime()
        #expect(siteTime.name == "Asia/Baghdad")
        let now: Int64 = 1_795_228_387_253  // 2026-11-20 ~00:13 local
        var plan = TrialPlan(specs: try generator().trials(runSeed: 4, count: 48), world: try Fixtures.world())
        try plan.anchor(nowMs: now, siteTime: siteTime)
        let nightStart = plan.phases[0].epochMs, dayStart = plan.phases[1].epochMs
        #expect(siteTime.local(nightStart).minute == 21 * 60)
        #expect(siteTime.local(dayStart).minute == 9 * 60)
        let dayEnd = dayStart + Int64((plan.phases[1].endS - plan.phases[1].startS) * 1_000)
        let nightEnd = nightStart + Int64((plan.phases[0].endS - plan.phases[0].startS) * 1_000)
        #expect(dayEnd <= now - 120_000, "event time stays in the past")
        #expect(nightEnd < dayStart, "event time only moves forward")
        #expect(dayStart - nightStart < 86_400_000)
        for entry in plan.entries {
            let crossing = try #require(plan.truth(of: entry).first { $0.kind == TrueEvent.borderCrossing })
            let minute = siteTime.local(crossing.eventTimeMs).minute
            let isDay = (6 * 60..<18 * 60).contains(minute)
            #expect(isDay == (entry.spec.light == .day), "\(entry.spec.actorID) crosses at local minute \(minute)")
            #expect(plan.eventTimeMs(at: entry.startS) == plan.offsetMs(of: entry))
        }
    }

    @Test func aPhaseTooLongForItsNightIsRefused() throws {
        let specs = try generator().trials(runSeed: 1, count: 1)
        var plan = TrialPlan(specs: specs, world: try Fixtures.world())
        plan.phases[0].endS = plan.phases[0].startS + 9 * 3_600
        #expect(throws: TrialError.self) { try plan.anchor(nowMs: 1_795_228_387_253, siteTime: try Self.siteTime()) }
    }
}
