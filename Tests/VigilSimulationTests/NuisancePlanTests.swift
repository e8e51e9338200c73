import Foundation
import Testing
import VigilConfig
import VigilCore
import VigilSimulation

/// The nuisance soak's plan and frames: the same seed gives the same soak; every activity is
/// there; nothing a person or a vehicle does is an intrusion, by the simulator's own truth and
/// by the daemon's definition of a crossing; people are in towns by day only; cameras keep
/// sending (heartbeats), reboot and lose frames as a gateway would.
@Suite struct NuisancePlanTests {
    /// A local midnight in Baghdad (UTC+3): 2026-01-01T00:00+03:00.
    static let origin: Int64 = 1_767_214_800_000

    static func siteTime() throws -> SiteTime {
        try RulesFile.loadContents(path: "\(Fixtures.configDirectory)/rules.yaml", zones: Fixtures.zones()).siteTime
    }

    static func plan(days: Int = 2, seed: UInt64 = 1, stretches: [String] = []) throws -> NuisancePlan {
        try NuisancePlan.make(
            world: Fixtures.world(), options: NuisanceOptions(days: days, seed: seed, stretches: stretches), siteTime: siteTime(),
            originMs: origin)
    }

    @Test func theOriginIsALocalMidnightDaysBeforeNow() throws {
        let now: Int64 = 1_767_300_000_000
        let origin = NuisancePlan.origin(nowMs: now, days: 30, siteTime: try Self.siteTime())
        #expect((origin + 3 * 3_600_000) % 86_400_000 == 0, "midnight in Baghdad (UTC+3)")
        // 30 days and the spill of the last evening (under a day) end two hours before now.
        #expect(origin + 31 * 86_400_000 <= now - 2 * 3_600_000)
        #expect(origin + 32 * 86_400_000 > now - 2 * 3_600_000)
    }

    @Test func theSameSeedGivesTheSamePlanAndFrames() throws {
        let a = try Self.plan(days: 1, stretches: ["baaj"]), b = try Self.plan(days: 1, stretches: ["baaj"])
        #expect(a.activities.map(\.actor.id) == b.activities.map(\.actor.id))
        #expect(a.activities.map(\.actor.startS) == b.activities.map(\.actor.startS))
        #expect(a.reboots == b.reboots)
        var fa = NuisanceFeed(plan: a, world: try Fixtures.world()), fb = NuisanceFeed(plan: b, world: try Fixtures.world())
        for _ in 0..<20_000 {
            let x = fa.next(), y = fb.next()
            #expect(x.map { FrameWriter.payload($0.report) } == y.map { FrameWriter.payload($0.report) })
            if x == nil { break }
        }
        let c = try Self.plan(days: 1, seed: 2, stretches: ["baaj"])
        #expect(c.activities.map(\.actor.startS) != a.activities.map(\.actor.startS), "another seed, another soak")
        // Covering another stretch changes nothing on this one.
        let both = try Self.plan(days: 1, stretches: ["baaj", "qaim"])
        #expect(both.activities.filter { $0.stretch == "baaj" }.map(\.actor.startS) == a.activities.map(\.actor.startS))
    }

    @Test func everyActivityIsPlayedOnEveryStretch() throws {
        let plan = try Self.plan()
        #expect(plan.stretches.map(\.name) == ["qaim", "baaj", "sinjar", "rabia"])
        #expect(plan.stretches.map(\.cameras.count).reduce(0, +) == 105)
        #expect(plan.notes.isEmpty, "\(plan.notes)")
        for stretch in plan.stretches {
            let kinds = Set(plan.activities.filter { $0.stretch == stretch.name }.map(\.kind))
            for kind in [NuisanceKind.herdCrossing, .grazing, .heatSource, .patrol] { #expect(kinds.contains(kind), "\(stretch.name): \(kind)") }
            #expect(stretch.zones.contains("iq-sy-border") && stretch.zones.contains("iq-sy-strip") && stretch.zones.contains("iq-patrol-road"))
        }
        func kinds(_ name: String) -> Set<NuisanceKind> { Set(plan.activities.filter { $0.stretch == name }.map(\.kind)) }
        // The masks near Al-Qaim, Sinjar and Rabia flare; the towns near Al-Qaim and Rabia live.
        for name in ["qaim", "sinjar", "rabia"] { #expect(kinds(name).contains(.maskedFlare), "\(name)") }
        for name in ["qaim", "rabia"] { #expect(kinds(name).contains(.townLife), "\(name)") }
        #expect(!kinds("baaj").contains(.maskedFlare) && !kinds("baaj").contains(.townLife))
        // Patrols by day and by night, both legs of each.
        let patrols = plan.activities.filter { $0.kind == .patrol }
        #expect(patrols.count % 2 == 0 && patrols.count >= 2 * 3 * 4)
        #expect(!plan.reboots.isEmpty)
        #expect(Set(plan.stretches.flatMap(\.zones)).isSuperset(of: ["restricted-rabia-crossing", "mask-qaim-flare", "town-rabia"]))
    }

    @Test func nothingAPersonOrVehicleDoesIsAnIntrusionByTheSimulatorsTruth() throws {
        let plan = try Self.plan()
        let simulator = Simulator(scenario: plan.scenario, world: try Fixtures.world(), epochMs: plan.originMs)
        let truth = simulator.groundTruth(throughScenarioTime: plan.durationS)
        let expected = truth.events.filter { $0.expectation == .expected }
        #expect(expected.isEmpty, "\(expected.prefix(5).map(\.summary))")
        // The animals' crossings are there, and silent.
        let crossings = truth.events.filter { $0.kind == TrueEvent.borderCrossing }
        #expect(crossings.count >= 2 * 2 * 2 * 4)
        #expect(crossings.allSatisfy { $0.objectClass == .animal && $0.expectation == .silent })
        // What the rules would raise for patrols and townspeople is there, and silenced.
        #expect(truth.events.contains { $0.actorID.contains("patrol") && $0.kind == "intrusion" && $0.expectation == .silent })
    }

    @Test func peopleAndVehiclesStayClearOfTheLineAndTheHeatSourcesJitterNeverCrossesIt() throws {
        let plan = try Self.plan()
        let border = try #require(try Fixtures.world().border)
        for (activity, trajectory) in zip(plan.activities, plan.trajectories) {
            switch activity.actor.objectClass {
            case .person, .vehicle:
                var t = trajectory.startS
                while t <= trajectory.endS {
                    let place = try #require(border.locate(trajectory.pathPoint(at: t)))
                    #expect(place.distanceM >= 100, "\(activity.actor.id) at t=\(t): \(place.distanceM) m from the line")
                    t += 5
                }
            case .unknown where activity.kind == .heatSource:
                // The daemon counts a side once a target is 30 m (crossing_confirm_m) from the line:
                // the source stands within 2 m of it and wanders at most amplitude on each axis,
                // so with five sigmas of noise it never gets there.
                let place = try #require(border.locate(trajectory.pathPoint(at: trajectory.startS)))
                let jitter = try #require(activity.jitter)
                #expect(place.distanceM <= 2.01 && jitter.amplitudeM <= 4)
                #expect(place.distanceM + jitter.amplitudeM * 2.squareRoot() + 5 * plan.options.noiseM < 30)
                #expect(trajectory.length == 0, "it stands")
            default:
                break
            }
        }
    }

    @Test func townspeopleWalkByDayOnTheirSideOfTheLine() throws {
        let plan = try Self.plan(days: 3)
        let walks = plan.activities.filter { $0.kind == .townLife }
        #expect(walks.count >= 3 * 6 * 2)
        for (activity, trajectory) in zip(plan.activities, plan.trajectories) where activity.kind == .townLife {
            // Local time (the origin is a local midnight, Baghdad has no summer time).
            let start = trajectory.startS.truncatingRemainder(dividingBy: 86_400) / 3_600
            let end = trajectory.endS.truncatingRemainder(dividingBy: 86_400) / 3_600
            #expect(start >= 7 && end <= 16.5 && end > start, "\(activity.actor.id): \(start) to \(end) h")
            #expect(activity.actor.count <= 2, "never three or more together")
        }
    }

    @Test func camerasSendHeartbeatsRebootAndLoseFramesLikeAGateway() throws {
        let plan = try Self.plan(days: 1, stretches: ["rabia"])
        var feed = NuisanceFeed(plan: plan, world: try Fixtures.world())
        var last: [Int: NuisanceFrame] = [:]
        var previousTime = -1.0
        var restarts = 0, gaps = 0
        let covered = Set(plan.stretches.flatMap(\.cameras))
        while let frame = feed.next() {
            #expect(frame.time >= previousTime, "event-time order")
            previousTime = frame.time
            if let before = last[frame.camera] {
                #expect(frame.report.ts > before.report.ts)
                let gap = frame.time - before.time
                if frame.report.seq <= before.report.seq {
                    restarts += 1  // a reboot: seq from 0 (its first frame may be lost)
                } else {
                    if frame.report.seq > before.report.seq + 1 { gaps += 1 }
                    // A covered camera is heard at least every heartbeat, unless it lost frames;
                    // the others every idle heartbeat.
                    if !covered.contains(frame.camera) {
                        #expect(gap <= plan.options.idleHeartbeatS + 0.001)
                    } else if gap > plan.options.heartbeatS + 0.001 {
                        #expect(frame.report.seq > before.report.seq + 1, "camera \(frame.camera) silent \(gap) s without losing a frame")
                    }
                }
                #expect(gap >= 1 / plan.options.fps - 0.000_1)
            }
            last[frame.camera] = frame
        }
        #expect(covered.count == 32 && last.count == 105, "every camera of the stretch, and the others' heartbeats")
        #expect(restarts == plan.reboots.count && restarts == feed.counts.reboots)
        #expect(gaps > 0 && feed.counts.dropped > 0)
        #expect(feed.counts.heartbeats > 32 * 8_000)
        #expect(feed.counts.detections > 0)
        #expect(previousTime < plan.durationS)
    }
}
