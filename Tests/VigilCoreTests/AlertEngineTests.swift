import Testing
@testable import VigilCore

/// The engine from pairs of positions, without sockets: a straight north–south test border at
/// 42°E (Syria west = left when walking north, Iraq east = right), a 1 km strip, two cameras.
@Suite struct AlertEngineTests {
    static let border = Polyline(points: [GeoPoint(lat: 36.0, lon: 42.0), GeoPoint(lat: 37.0, lon: 42.0)])
    static let zones = ZoneSet(zones: [
        Zone(id: "border", name: "Border", kind: .border, shape: .line(border, SideNames(left: "SY", right: "IQ"))),
        Zone(id: "strip", name: "Strip", kind: .strip, shape: .band(border, width: 1_000, side: nil)),
        Zone(id: "flare", name: "Gas flare", kind: .mask, shape: .circle(center: GeoPoint(lat: 36.2, lon: 42.0), radius: 200)),
    ])
    static let cameras = CameraRegistry([
        Camera(id: "cam-a", sector: "S01", position: GeoPoint(lat: 36.5, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000),
        Camera(id: "cam-b", sector: "S01", position: GeoPoint(lat: 36.51, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000),
    ])
    static let rules = [
        Rule(name: "animals", classes: [.animal], action: .suppress),
        Rule(name: "crossing", event: .cross, zoneKind: .border, classes: [.person, .vehicle], action: .alert(kind: "border_crossing", severity: .critical)),
        Rule(name: "strip", event: .dwell, zoneKind: .strip, classes: [.person, .vehicle], afterSeconds: 60, action: .alert(kind: "intrusion", severity: .high)),
    ]

    /// A point `metres` east (positive, Iraq) or west (negative, Syria) of the line at latitude `lat`.
    static func at(_ metres: Double, lat: Double = 36.5) -> GeoPoint {
        LocalPlane(origin: GeoPoint(lat: lat, lon: 42.0)).unproject(Vector2(x: metres, y: 0))
    }

    struct Harness {
        var engine = AlertEngine(cameras: cameras, zones: zones, rules: rules)
        var alerts: [AlertMessage] = []
        var seq: [UInt64] = [0, 0]
        let t0: Int64 = 1_795_228_380_000

        /// One frame of `camera` at event time `seconds`, processed at wall time `wall` (by
        /// default the event time).
        @discardableResult
        mutating func frame(camera: Int, at seconds: Double, wall: Double? = nil, _ detections: [(track: UInt32, ObjectClass, GeoPoint)]) -> AlertEngine.Admission {
            seq[camera] += 1
            let ts = t0 + Int64(seconds * 1_000)
            let wallMs = t0 + Int64((wall ?? seconds) * 1_000)
            let report = FrameReport(
                camera: AlertEngineTests.cameras[camera].id, seq: seq[camera], ts: ts,
                detections: detections.map { Detection(track: $0.track, objectClass: $0.1, conf: 0.9, lat: $0.2.lat, lon: $0.2.lon) })
            let admission = engine.process(report, camera: camera, wallNowMs: wallMs, into: &alerts)
            engine.expire(wallNowMs: wallMs, into: &alerts)
            return admission
        }

        /// Walks a target from `from` to `to` metres east of the line over `seconds`, seen by both cameras.
        mutating func walk(_ objectClass: ObjectClass, from: Double, to: Double, start: Double, seconds: Double, noise: Double = 0) {
            var rng = SplitMix64(seed: 42)
            var t = 0.0
            while t <= seconds {
                let x = from + (to - from) * t / seconds
                for camera in 0..<2 {
                    let jitter = noise * (rng.double(-1, 1))
                    frame(camera: camera, at: start + t, [(UInt32(100 + camera), objectClass, AlertEngineTests.at(x + jitter))])
                }
                t += 0.5
            }
        }

        mutating func heartbeats(until seconds: Double, from start: Double) {
            var t = start
            while t <= seconds {
                frame(camera: 0, at: t, [])
                frame(camera: 1, at: t, [])
                t += 1
            }
        }
    }

    @Test func personCrossingSeenByTwoCamerasIsOneIncidentRaisedOnceResolvedOnce() {
        var h = Harness()
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40, noise: 3)
        h.heartbeats(until: 90, from: 41)
        let raised = h.alerts.filter { $0.state == .raised }
        #expect(raised.count == 1)
        #expect(Set(h.alerts.map(\.id)).count == 1)
        #expect(raised.first?.kind == "border_crossing")
        #expect(raised.first?.severity == .critical)
        #expect(raised.first?.direction == "SY->IQ")
        #expect(raised.first?.zone == "border")
        #expect(h.alerts.filter { $0.state == .resolved }.count == 1)
        #expect(h.alerts.last?.state == .resolved)
        #expect(h.alerts.last?.cameras == ["cam-a", "cam-b"])
        #expect(h.engine.stats.tracksFused == 1)
    }

    @Test func jitterAlongTheLineNeverMakesACrossing() {
        var h = Harness()
        var rng = SplitMix64(seed: 7)
        for i in 0..<400 {
            let x = (rng.double(-1, 1)) * 25  // ±25 m around the line, under the 30 m confirmation
            h.frame(camera: 0, at: Double(i) * 0.1, [(1, .person, Self.at(x))])
        }
        #expect(h.alerts.allSatisfy { $0.kind != "border_crossing" })
    }

    @Test func vehicleJumpingAcrossBetweenTwoFramesIsCaughtWithDirection() {
        var h = Harness()
        h.frame(camera: 0, at: 0, [(9, .vehicle, Self.at(150))])
        h.frame(camera: 0, at: 1, [(9, .vehicle, Self.at(-150))])
        #expect(h.alerts.count == 1)
        #expect(h.alerts.first?.direction == "IQ->SY")
        #expect(h.alerts.first?.kind == "border_crossing")
    }

    @Test func animalsCrossingRaiseNothing() {
        var h = Harness()
        h.walk(.animal, from: -300, to: 300, start: 0, seconds: 120)
        h.heartbeats(until: 200, from: 121)
        #expect(h.alerts.isEmpty)
        #expect(h.engine.stats.suppressed >= 1)
    }

    @Test func lingeringInTheStripIsAnIntrusionThatRisesToACrossing() {
        var h = Harness()
        h.walk(.person, from: -400, to: -300, start: 0, seconds: 70)
        h.walk(.person, from: -300, to: 300, start: 70.5, seconds: 60)
        h.heartbeats(until: 200, from: 131)
        let states = h.alerts.map { "\($0.state.rawValue):\($0.kind)" }
        #expect(states.first == "raised:intrusion")
        #expect(states.contains("updated:border_crossing"))
        #expect(Set(h.alerts.map(\.id)).count == 1)
        #expect(h.alerts.filter { $0.state == .raised }.count == 1)
        #expect(h.alerts.last?.state == .resolved)
        #expect(h.alerts.last?.severity == .critical)
    }

    @Test func duplicateFramesAreDroppedAndARebootIsNot() {
        var h = Harness()
        let report = FrameReport(camera: "cam-a", seq: 5, ts: h.t0, detections: [])
        #expect(h.engine.process(report, camera: 0, wallNowMs: h.t0, into: &h.alerts) == .accepted)
        #expect(h.engine.process(report, camera: 0, wallNowMs: h.t0, into: &h.alerts) == .duplicate)
        // The camera reboots: seq starts again at 0, ts moves on. Not duplicates.
        for seq in 0..<10 as Range<UInt64> {
            let rebooted = FrameReport(camera: "cam-a", seq: seq, ts: h.t0 + 1_000 + Int64(seq) * 100, detections: [])
            #expect(h.engine.process(rebooted, camera: 0, wallNowMs: h.t0 + 5_000, into: &h.alerts) == .accepted)
        }
        #expect(h.engine.stats.framesDuplicate == 1)
    }

    @Test func futureAndTooLateFramesAreRejectedWithTheirReason() {
        var h = Harness()
        let future = FrameReport(camera: "cam-a", seq: 1, ts: h.t0 + 60_000, detections: [])
        guard case .rejected(let error) = h.engine.process(future, camera: 0, wallNowMs: h.t0, into: &h.alerts) else {
            Issue.record("a frame a minute ahead was accepted")
            return
        }
        #expect(error.reason == .futureTimestamp)
        _ = h.engine.process(FrameReport(camera: "cam-a", seq: 2, ts: h.t0, detections: []), camera: 0, wallNowMs: h.t0, into: &h.alerts)
        let late = FrameReport(camera: "cam-a", seq: 3, ts: h.t0 - 60_000, detections: [])
        guard case .rejected(let lateError) = h.engine.process(late, camera: 0, wallNowMs: h.t0, into: &h.alerts) else {
            Issue.record("a frame a minute behind its camera was accepted")
            return
        }
        #expect(lateError.reason == .tooLate)
        // Old by the wall clock but not behind its own camera: a backlog after an outage is real data.
        let backlog = FrameReport(camera: "cam-b", seq: 1, ts: h.t0 - 600_000, detections: [])
        #expect(h.engine.process(backlog, camera: 1, wallNowMs: h.t0, into: &h.alerts) == .accepted)
    }

    @Test func detectionsInAMaskAreDroppedBeforeAnythingElse() {
        var h = Harness()
        let flare = GeoPoint(lat: 36.2, lon: 42.0005)
        for i in 0..<200 { h.frame(camera: 0, at: Double(i), [(3, .person, flare)]) }
        #expect(h.alerts.isEmpty)
        #expect(h.engine.stats.detectionsMasked == 200)
        #expect(h.engine.stats.targetsCreated == 0)
    }

    @Test func twoPeopleSideBySideInOneCameraStayTwoTargets() {
        var h = Harness()
        for i in 0..<20 {
            h.frame(camera: 0, at: Double(i), [(1, .person, Self.at(-200 + Double(i))), (2, .person, Self.at(-190 + Double(i)))])
        }
        #expect(h.engine.stats.targetsCreated == 2)
        #expect(h.engine.stats.tracksFused == 0)
    }

    @Test func openIncidentsResolveByTheWallClockWhenEveryFeedIsSilent() {
        var h = Harness()
        h.frame(camera: 0, at: 0, [(9, .vehicle, Self.at(150))])
        h.frame(camera: 0, at: 1, [(9, .vehicle, Self.at(-150))])
        #expect(h.alerts.count == 1)
        // No frame at all any more; the timer calls expire with the wall clock.
        h.engine.expire(wallNowMs: h.t0 + 1_000 + 40_000, into: &h.alerts)
        #expect(h.alerts.last?.state == .resolved)
    }

    @Test func incidentIDsAreStableAndDistinct() {
        let a = AlertEngine.incidentID(camera: "cam-a", serial: 1, firstTs: 5)
        #expect(a == AlertEngine.incidentID(camera: "cam-a", serial: 1, firstTs: 5))
        #expect(a != AlertEngine.incidentID(camera: "cam-a", serial: 2, firstTs: 5))
        #expect(a.hasPrefix("al-") && a.count == 15)
    }

    /// A restricted disc with its own inertia (5 frames) and loitering time (20 s), and rules on
    /// entering it and loitering in it.
    static func restrictedHarness() -> Harness {
        let zones = ZoneSet(zones: Self.zones.zones + [
            Zone(id: "depot", name: "Depot", kind: .restricted, shape: .circle(center: at(2_000), radius: 100), inertiaFrames: 5, loiteringSeconds: 20),
        ])
        let rules = [
            Rule(name: "enter", event: .enter, zoneKind: .restricted, classes: [.person], action: .alert(kind: "intrusion", severity: .medium)),
            Rule(name: "loiter", event: .loiter, zoneKind: .restricted, classes: [.person], action: .alert(kind: "loitering", severity: .high)),
        ]
        var h = Harness()
        h.engine = AlertEngine(cameras: cameras, zones: zones, rules: rules)
        return h
    }

    @Test func insideCountsOnlyAfterTheZonesInertia() {
        var h = Self.restrictedHarness()
        // In for 4 frames, then out for 5 (the inertia again, so the streak ends): never inside.
        for i in 0..<4 { h.frame(camera: 0, at: Double(i), [(1, .person, Self.at(2_000))]) }
        for i in 4..<9 { h.frame(camera: 0, at: Double(i), [(1, .person, Self.at(2_500))]) }
        #expect(h.alerts.isEmpty)
        for i in 9..<13 { h.frame(camera: 0, at: Double(i), [(1, .person, Self.at(2_010))]) }
        #expect(h.alerts.isEmpty, "4 consecutive frames are not 5")
        h.frame(camera: 0, at: 13, [(1, .person, Self.at(2_010))])
        #expect(h.alerts.map(\.kind) == ["intrusion"])
    }

    @Test func stayingLongerThanTheZonesLoiteringTimeEscalates() {
        var h = Self.restrictedHarness()
        for i in 0...30 { h.frame(camera: 0, at: Double(i), [(1, .person, Self.at(2_000 + Double(i % 3)))]) }
        #expect(h.alerts.map { "\($0.state.rawValue):\($0.kind)" } == ["raised:intrusion", "updated:loitering"])
        #expect(h.alerts.last?.severity == .high)
        #expect(h.alerts.last?.zone == "depot")
    }

    // Regressions found in review.

    @Test func aTrackLostAndPickedUpUnderANewIdContinuesTheTargetAndItsCrossing() {
        var h = Harness()
        var t = 0.0, x = -100.0
        while x <= 150 {
            h.frame(camera: 0, at: t, [(x < -5 ? 1 : 2, .person, Self.at(x))])  // the tracker switches ids at -5 m
            t += 0.5
            x += 2.5
        }
        #expect(h.engine.stats.targetsCreated == 1)
        #expect(h.engine.stats.tracksFused == 1)
        #expect(h.alerts.first?.kind == "border_crossing")
        #expect(h.alerts.first?.direction == "SY->IQ")
    }

    @Test func aCameraRunningBehindTheOthersStillGetsItsCrossing() {
        var h = Harness()
        // Camera 0 is live; camera 1 delivers 40 s behind it (a backlog after an outage).
        var t = 0.0, x = -100.0
        while x <= 300 {
            h.frame(camera: 0, at: 40 + t, [])
            h.frame(camera: 1, at: t, wall: 40 + t, [(5, .person, Self.at(x))])
            t += 0.5
            x += 5
        }
        #expect(h.engine.stats.targetsCreated == 1)
        #expect(h.alerts.filter { $0.state == .raised }.count == 1)
        #expect(h.alerts.first?.direction == "SY->IQ")
    }

    @Test func lateDetectionsDoNotTurnTheDirection() {
        var h = Harness()
        h.frame(camera: 0, at: 0, [(9, .vehicle, Self.at(-65))])
        h.frame(camera: 0, at: 3, [(9, .vehicle, Self.at(35))])
        h.frame(camera: 1, at: 1, [(4, .vehicle, Self.at(-40))])  // late, from the other camera
        h.frame(camera: 0, at: 4, [(9, .vehicle, Self.at(60))])
        #expect(h.alerts.map(\.direction) == ["SY->IQ"])
    }

    @Test func aTargetFirstSeenCloseToTheLineStillCrosses() {
        var h = Harness()
        var t = 0.0, x = -20.0
        while x <= 150 {
            h.frame(camera: 0, at: t, [(1, .person, Self.at(x))])
            t += 0.5
            x += 2
        }
        #expect(h.alerts.first?.kind == "border_crossing")
    }

    @Test func camerasDisagreeingAtAZoneEdgeDoNotRestartTheDwell() {
        var h = Harness()
        // Two cameras put one person at 990 m and 1,010 m from the line: the strip is 1 km.
        for i in 0..<240 {
            h.frame(camera: 0, at: Double(i) * 0.5, [(1, .person, Self.at(990))])
            h.frame(camera: 1, at: Double(i) * 0.5 + 0.1, [(2, .person, Self.at(1_010))])
        }
        #expect(h.alerts.first?.kind == "intrusion")
    }

    @Test func aBacklogAfterAnIdleAdvanceStillResolves() {
        var h = Harness()
        h.frame(camera: 0, at: 0, [(9, .vehicle, Self.at(150))])
        h.frame(camera: 0, at: 1, [(9, .vehicle, Self.at(-150))])
        // Ten minutes of silence: the wall clock moves event time on.
        h.engine.expire(wallNowMs: h.t0 + 600_000, into: &h.alerts)
        #expect(h.alerts.last?.state == .resolved)
        // Then a backlog from before: a crossing at 11 s, followed by 300 s of heartbeats.
        var backlog = h
        backlog.alerts = []
        backlog.frame(camera: 1, at: 10, [(3, .vehicle, Self.at(150))])
        backlog.frame(camera: 1, at: 11, [(3, .vehicle, Self.at(-150))])
        for i in 12..<300 { backlog.frame(camera: 1, at: Double(i), []) }
        #expect(backlog.alerts.filter { $0.state == .resolved }.count == 1)
    }

    @Test func aCameraRestartedWithItsClockSetBackStartsItsProgressAgain() {
        var h = Harness()
        for seq in 1_990...2_000 as ClosedRange<UInt64> {
            let report = FrameReport(camera: "cam-a", seq: seq, ts: h.t0 + Int64(seq) * 100, detections: [])
            _ = h.engine.process(report, camera: 0, wallNowMs: h.t0 + 300_000, into: &h.alerts)
        }
        // An old frame of the same run, a minute behind: too late.
        let old = FrameReport(camera: "cam-a", seq: 1_400, ts: h.t0 + 140_000, detections: [])
        guard case .rejected(let error) = h.engine.process(old, camera: 0, wallNowMs: h.t0 + 300_000, into: &h.alerts) else {
            Issue.record("an old frame was accepted")
            return
        }
        #expect(error.reason == .tooLate)
        // The camera reboots and its clock is set back 100 s: seq starts again at 0.
        for seq in 0..<5 as Range<UInt64> {
            let report = FrameReport(camera: "cam-a", seq: seq, ts: h.t0 + 100_000 + Int64(seq) * 100, detections: [])
            #expect(h.engine.process(report, camera: 0, wallNowMs: h.t0 + 300_000, into: &h.alerts) == .accepted)
        }
        #expect(h.engine.stats.cameraRestarts == 1)
    }
}
