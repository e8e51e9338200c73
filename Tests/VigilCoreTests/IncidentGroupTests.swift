import Testing
@testable import VigilCore

/// Groups: targets that move together are one incident with a count; splits and joins follow the
/// documented rule (`AlertEngine+Incidents.swift`).
@Suite struct IncidentGroupTests {
    /// A walker crossing from 60 m in Syria to 140 m in Iraq at 1.5 m/s (about 133 s).
    static func walkers(_ count: Int, class objectClass: ObjectClass = .person, start: Double = 0, lat: Double = 36.5) -> FrameScript.Actor {
        FrameScript.Actor(objectClass: objectClass, count: count, spreadM: 5, fromM: -60, toM: 140, lat: lat, start: start, seconds: 133)
    }

    @Test func aGroupOfSixCrossingIsOneIncidentWithCountSix() {
        let alerts = FrameScript.run(FrameScript(actors: [Self.walkers(6)], until: 200).frames())
        let incidents = IncidentSummary.of(alerts)
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 6)
        #expect(incidents.first?.kinds == ["border_crossing"])
        #expect(incidents.first?.raised == 1 && incidents.first?.resolved == 1)
        // Raised with the whole group at once, not 1 then 2, 3...
        #expect(alerts.first { $0.state == .raised }?.count == 6)
    }

    @Test func twoPeopleCrossingInOppositeDirectionsAreTwoIncidents() {
        var west = Self.walkers(1)
        west.fromM = 140
        west.toM = -60
        let alerts = FrameScript.run(FrameScript(actors: [Self.walkers(1), west], until: 200).frames())
        let incidents = IncidentSummary.of(alerts)
        #expect(incidents.count == 2, "\(incidents)")
        #expect(Set(incidents.compactMap(\.direction)) == ["SY->IQ", "IQ->SY"])
        #expect(incidents.allSatisfy { $0.count == 1 })
    }

    @Test func aRunnerOvertakingAWalkerIsNotInHisGroup() {
        var runner = Self.walkers(1)
        runner.seconds = 40  // 5 m/s against 1.5 m/s, side by side at times
        runner.start = 40
        let alerts = FrameScript.run(FrameScript(actors: [Self.walkers(1), runner], until: 220).frames())
        let incidents = IncidentSummary.of(alerts)
        #expect(incidents.count == 2, "\(incidents)")
        #expect(incidents.allSatisfy { $0.count == 1 })
    }

    @Test func aStragglerWhoCatchesUpJoinsTheGroupsIncident() {
        // Four cross together; a fifth 15 m behind them walks the same way and joins.
        var straggler = Self.walkers(1)
        straggler.fromM = -75
        straggler.toM = 125
        straggler.lat = 36.5 + 5 / 111_000.0
        let alerts = FrameScript.run(FrameScript(actors: [Self.walkers(4), straggler], until: 200).frames())
        let incidents = IncidentSummary.of(alerts)
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 5)
    }

    @Test func aMemberWhoJoinsLaterSeenEarlierLeavesTheIncidentsFirstTimeAsRaised() throws {
        // One walker crosses at 1.5 m/s (raised at about 30 s); a second, seen from the start 72 m
        // behind him at 2.4 m/s, catches up within the group radius about 6 s later and joins.
        let walker = FrameScript.Actor(objectClass: .person, fromM: -30, toM: 170, start: 10, seconds: 133)
        let joiner = FrameScript.Actor(objectClass: .person, fromM: -102, toM: 42, lat: 36.5 + 5 / 111_000.0, start: 0, seconds: 60)
        let alerts = FrameScript.run(FrameScript(actors: [walker, joiner], until: 200).frames())
        let incidents = IncidentSummary.of(alerts)
        #expect(incidents.count == 1 && incidents.first?.count == 2, "\(incidents)")
        // first_ts is the incident's from its `raised` on: a consumer holds it by it.
        let raised = try #require(alerts.first { $0.state == .raised })
        #expect(raised.count == 1, "the joiner is not a companion at the raise")
        #expect(alerts.allSatisfy { $0.firstTs == raised.firstTs }, "\(alerts.map { ($0.state, $0.count, $0.firstTs) })")
    }

    @Test func aMemberWhoSplitsOffAfterCrossingRaisesItsOwnIncidentAndTheGroupKeepsItsCount() {
        // Three cross together; one of them then turns north along the line, 1.5 m/s, for 150 s.
        let group = Self.walkers(3)
        var engine = AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: AlertEngineTests.rules)
        var alerts: [AlertMessage] = []
        let frames = FrameScript(actors: [group], until: 133).frames()
        for frame in frames { _ = engine.process(frame.report, camera: frame.camera, wallNowMs: frame.report.ts, into: &alerts) }
        var seq: [UInt64] = [frames.last!.report.seq, frames.last!.report.seq]
        let t0 = frames.last!.report.ts
        let plane = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0))
        for tick in 1...1_500 {
            let t = Double(tick) / 10
            let ts = t0 + Int64(tick) * 100
            for camera in 0..<2 {
                seq[camera] += 1
                let stayers = (0..<2).map { member in plane.unproject(Vector2(x: 140 + Double(member) * 5, y: 0)) }
                let leaver = plane.unproject(Vector2(x: 150, y: 1.5 * t))
                var detections = stayers.enumerated().map { member, point in
                    Detection(track: UInt32(member + 1) + UInt32(camera) * 1_000, objectClass: .person, conf: 0.9, lat: point.lat, lon: point.lon)
                }
                detections.append(Detection(track: 3 + UInt32(camera) * 1_000, objectClass: .person, conf: 0.9, lat: leaver.lat, lon: leaver.lon))
                let report = FrameReport(camera: AlertEngineTests.cameras[camera].id, seq: seq[camera], ts: ts, detections: detections)
                _ = engine.process(report, camera: camera, wallNowMs: ts, into: &alerts)
            }
        }
        let incidents = IncidentSummary.of(alerts)
        #expect(engine.stats.groupSplits == 1)
        #expect(incidents.count == 2, "\(incidents)")
        #expect(incidents.map(\.count).sorted() == [1, 3])
        #expect(incidents.allSatisfy { $0.kinds == ["border_crossing"] })
    }

    @Test func aHerdBesideAPersonNeitherJoinsNorAlerts() {
        var herd = Self.walkers(12, class: .animal)
        herd.lat = 36.5 + 15 / 111_000.0
        let alerts = FrameScript.run(FrameScript(actors: [Self.walkers(1), herd], until: 200).frames())
        let incidents = IncidentSummary.of(alerts)
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 1)
        #expect(incidents.first?.objectClass == .person)
    }

    @Test func motionEstimatesAWalkersVelocityThroughTheNoise() {
        var motion = Motion()
        var rng = SplitMix64(seed: 3)
        let plane = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0))
        for tick in 0..<100 {
            let t = Double(tick) / 10
            motion.add(plane.unproject(Vector2(x: 1.5 * t + rng.double(-3, 3), y: rng.double(-3, 3))), ts: 1_795_228_380_000 + Int64(tick) * 100)
        }
        let velocity = try! #require(motion.velocity)
        #expect(abs(velocity.east - 1.5) < 0.6 && abs(velocity.north) < 0.6, "\(velocity)")
    }

    @Test func aSecondWithOnlyItsFirstFixesIsPlacedWhereTheyWere() {
        // A vehicle at 18 m/s, no noise; every other second only its first three fixes arrive
        // (the rest were late or lost). Seconds placed at their starts made 4-5 m/s of error.
        var motion = Motion()
        let plane = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0))
        for tick in 0..<100 where (tick / 10) % 2 == 0 || tick % 10 < 3 {
            let t = Double(tick) / 10
            motion.add(plane.unproject(Vector2(x: 18 * t, y: 0)), ts: 1_795_228_380_000 + Int64(tick) * 100)
        }
        let velocity = try! #require(motion.velocity)
        #expect(abs(velocity.east - 18) < 0.2 && abs(velocity.north) < 0.2, "\(velocity)")
    }

    @Test func fastTargetsMoveTogetherWithinAShareOfTheirSpeed() {
        func moving(east: Double, north: Double = 0) -> Motion {
            var motion = Motion()
            let plane = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0))
            for tick in 0..<60 {
                let t = Double(tick) / 10
                motion.add(plane.unproject(Vector2(x: east * t, y: north * t)), ts: 1_795_228_380_000 + Int64(tick) * 100)
            }
            return motion
        }
        // Two vehicles of a convoy whose velocities came out 2 m/s apart (trial t114).
        #expect(moving(east: -17.2, north: 7.7).movesWith(moving(east: -18.8, north: 8.9), tolerance: 1))
        // A runner beside a walker, and two walkers going opposite ways, still do not.
        #expect(!moving(east: 5).movesWith(moving(east: 1.5), tolerance: 1))
        #expect(!moving(east: 1.5).movesWith(moving(east: -1.5), tolerance: 1))
        // Nor a car overtaking another at 20 against 14 m/s.
        #expect(!moving(east: 20).movesWith(moving(east: 14), tolerance: 1))
    }
}

/// The new tracks of one frame are matched to targets together (``AlertEngine`` fusion).
@Suite struct FusionChoiceTests {
    @Test func twoNewTracksTakeTheTargetsClosestToThemTogether() {
        var h = AlertEngineTests.Harness()
        // Camera a sees two people 7 m apart, north-south.
        let north = GeoPoint(lat: 36.5 + 7 / 111_000.0, lon: AlertEngineTests.at(-200).lon)
        let south = AlertEngineTests.at(-200)
        h.frame(camera: 0, at: 0, [(1, .person, south), (2, .person, north)])
        // Camera b sees them too, with its own errors: track 11, listed first, 3.4 m north of
        // the southern one (3.6 m from the northern one), track 12 0.5 m north of the southern
        // one. Taken in order, 11 takes the southern target and 12 is left the northern one,
        // 6.5 m off: crossed. Together, 12 (0.5 m) takes the southern and 11 the northern.
        let fix11 = GeoPoint(lat: 36.5 + 3.4 / 111_000.0, lon: south.lon)
        let fix12 = GeoPoint(lat: 36.5 + 0.5 / 111_000.0, lon: south.lon)
        h.frame(camera: 1, at: 0.05, [(11, .person, fix11), (12, .person, fix12)])
        let southTarget = h.engine.trackTargets[AlertEngine.trackKey(0, 1)]
        let northTarget = h.engine.trackTargets[AlertEngine.trackKey(0, 2)]
        #expect(h.engine.trackTargets[AlertEngine.trackKey(1, 12)] == southTarget)
        #expect(h.engine.trackTargets[AlertEngine.trackKey(1, 11)] == northTarget)
    }
}

/// Groups that form after the first sighting (rule 2a): issue 13 found a pair walking into a
/// restricted zone 2 s apart raised as two incidents.
@Suite struct LateGroupTests {
    typealias H = AlertEngineTests.Harness

    /// The restricted depot of ``AlertEngineTests/restrictedHarness()`` with the default rules'
    /// inertia: people walking east into it, `gapS` apart, each `stepM` behind the one before.
    static func file(of count: Int, gapS: Double, stepM: Double = 3, speed: Double = 1.4) -> [AlertMessage] {
        var h = AlertEngineTests.restrictedHarness()
        var t = 0.0
        while t < 90 {
            var detections: [(track: UInt32, ObjectClass, GeoPoint)] = []
            for i in 0..<count {
                let start = Double(i) * gapS
                guard t >= start else { continue }
                // Coming into view 5 m before the depot (1,900–2,100 m east of the line), walking
                // east through it: inside before anyone's velocity is known.
                let x = 1_895 + (t - start) * speed
                detections.append((UInt32(10 + i), .person, AlertEngineTests.at(x, lat: 36.5 + Double(i % 2) * stepM / 111_000)))
            }
            h.frame(camera: 0, at: t, detections)
            t += 0.1
        }
        h.heartbeats(until: 160, from: 90)
        return h.alerts
    }

    @Test func aPairTwoSecondsApartIsOneIncidentOfTwo() {
        let incidents = IncidentSummary.of(Self.file(of: 2, gapS: 2))
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 2)
        #expect(incidents.first?.raised == 1 && incidents.first?.resolved == 1)
    }

    @Test func aFileOfFiveOverTenSecondsIsOneIncidentOfFive() {
        let incidents = IncidentSummary.of(Self.file(of: 5, gapS: 2.5))
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 5)
    }

    @Test func someoneWhoComesAlongLaterIsHisOwnIncident() {
        // The second 30 s behind: far from the first when he enters; two incidents.
        let incidents = IncidentSummary.of(Self.file(of: 2, gapS: 30))
        #expect(incidents.count == 2, "\(incidents)")
        #expect(incidents.allSatisfy { $0.count == 1 })
    }
}

extension LateGroupTests {
    @Test func aPairThatASecondCameraPicksUpLaterStaysAPair() {
        // Two people 4 m apart walking across; camera 0 sees both from the start, camera 1 only
        // from 20 s on, and the second of them only from 22 s (he was hidden behind the first).
        var h = H()
        var t = 0.0
        while t < 140 {
            let x = -60 + 1.5 * t
            let a = AlertEngineTests.at(x), b = AlertEngineTests.at(x, lat: 36.5 + 4 / 111_000)
            h.frame(camera: 0, at: t, [(1, .person, a), (2, .person, b)])
            var second: [(track: UInt32, ObjectClass, GeoPoint)] = []
            if t >= 20 { second.append((7, .person, a)) }
            if t >= 22 { second.append((8, .person, b)) }
            h.frame(camera: 1, at: t, second)
            t += 0.1
        }
        h.heartbeats(until: 220, from: 140)
        let incidents = IncidentSummary.of(h.alerts).filter { $0.kinds.contains("border_crossing") }
        #expect(incidents.count == 1, "\(IncidentSummary.of(h.alerts))")
        #expect(incidents.first?.count == 2)
        #expect(h.engine.stats.targetsCreated == 2, "each camera's tracks fused into the two targets")
    }
}

/// A camera whose clock runs seconds ahead of or behind the other's sees the same people: its
/// offset is estimated and corrected (``ClockOffsets``), so they are not counted twice.
@Suite struct ClockSkewTests {
    /// The frames of `script`, each arriving at its true time (its `ts` less its camera's skew).
    static func run(_ script: FrameScript, settings: EngineSettings = EngineSettings()) -> [AlertMessage] {
        let frames = script.frames()
        return FrameScript.run(frames, arrivalDelayMs: frames.map { -script.skewMs[$0.camera] }, settings: settings)
    }

    @Test(arguments: [3_000, -3_000, 4_500] as [Int64])
    func aWalkerSeenByACameraWithASkewedClockIsOneTarget(skew: Int64) {
        var script = FrameScript(actors: [IncidentGroupTests.walkers(1)], until: 200)
        script.skewMs = [0, skew]
        let incidents = IncidentSummary.of(Self.run(script))
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 1)
        // The crossing is confirmed about 60 s in, as the strip's 60 s dwell falls due: which
        // comes first is a matter of a frame.
        #expect(incidents.first?.kinds.contains("border_crossing") == true)
        #expect(incidents.first?.direction == "SY->IQ")
    }

    @Test func aGroupOfFourSeenByACameraTwoAndAHalfSecondsAheadIsCountedFour() {
        var script = FrameScript(actors: [IncidentGroupTests.walkers(4)], until: 200)
        script.skewMs = [0, 2_500]
        let incidents = IncidentSummary.of(Self.run(script))
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 4)
    }

    @Test func aPersonAppearingLaterIsMatchedInTheCorrectedTimeOfTheSkewedCamera() {
        // The walker comes into view after a minute: by then the offset is known and corrected.
        var walker = IncidentGroupTests.walkers(1)
        walker.start = 60
        var script = FrameScript(actors: [walker], until: 260)
        script.skewMs = [0, 4_000]
        let incidents = IncidentSummary.of(Self.run(script))
        #expect(incidents.count == 1, "\(incidents)")
        #expect(incidents.first?.count == 1)
    }

    /// An engine after 30 s of both cameras' heartbeats at 10 frames a second, camera 1's clock
    /// `skew` ms off, each frame arriving at its true time.
    static func engineAfterHeartbeats(skew: Int64) -> AlertEngine {
        var engine = AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: AlertEngineTests.rules)
        var script = FrameScript(actors: [], until: 30)
        script.skewMs = [0, skew]
        var alerts: [AlertMessage] = []
        for frame in script.frames() {
            let wall = frame.report.ts - script.skewMs[frame.camera]
            _ = engine.process(frame.report, camera: frame.camera, wallNowMs: wall, into: &alerts)
            engine.expire(wallNowMs: wall, into: &alerts)
        }
        return engine
    }

    @Test func offsetsUnderTheMinimumAreLeftAlone() {
        #expect(Self.engineAfterHeartbeats(skew: 700).clockOffsets.correction == [0, 0])
    }

    @Test func aCameraFourSecondsAheadIsCorrectedByItsOffset() {
        let engine = Self.engineAfterHeartbeats(skew: 4_000)
        // With two cameras the median is the later one: the correction is the whole skew, on
        // one of them; the corrected clocks agree within a frame.
        let corrected = engine.clockOffsets.correction
        #expect(abs((4_000 - corrected[1]) - (0 - corrected[0])) <= 100, "\(corrected)")
        // A restart keeps the corrections.
        var writer = StateWriter()
        engine.encodeState(to: &writer)
        var restarted = AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: AlertEngineTests.rules)
        var reader = StateReader(writer.bytes)
        #expect(throws: Never.self) { try restarted.restoreState(from: &reader, takenWallMs: 0, wallNowMs: 0) }
        #expect(restarted.clockOffsets.correction == corrected)
    }
}
