import Testing
@testable import VigilCore

/// Camera health on a straight north–south border at 42°E: three cameras 1.34 km east of it,
/// 2.2 km apart, looking west with a 90° field of view, so each covers ±1.34 km of the line and
/// neighbours overlap; losing the middle one opens a gap of about 1.8 km.
@Suite struct CameraHealthTests {
    static let cameras = CameraRegistry(
        [36.50, 36.52, 36.54].enumerated().map { i, lat in
            Camera(id: "cam-\(i)", sector: "S01", position: GeoPoint(lat: lat, lon: 42.015), headingDeg: 270, fovDeg: 90, rangeM: 4_000)
        })
    static let rules = [
        Rule(name: "offline", event: .cameraOffline, action: .alert(kind: "camera_offline", severity: .high)),
        Rule(name: "gap", event: .coverageGap, action: .alert(kind: "coverage_gap", severity: .critical)),
    ]
    static let t0: Int64 = 1_795_228_380_000

    struct Harness {
        var engine: AlertEngine
        var alerts: [AlertMessage] = []
        var seq = [UInt64](repeating: 0, count: 3)

        init(rules: [Rule] = CameraHealthTests.rules) {
            engine = AlertEngine(cameras: CameraHealthTests.cameras, zones: AlertEngineTests.zones, rules: rules)
        }

        /// Heartbeats once a second from `live` cameras, from `start` to `end` seconds; the
        /// expiry timer runs every half second.
        mutating func run(from start: Double, to end: Double, live: Set<Int>) {
            var t = start
            while t < end {
                let ms = CameraHealthTests.t0 + Int64(t * 1_000)
                if t.truncatingRemainder(dividingBy: 1) == 0 {
                    for camera in live.sorted() {
                        seq[camera] += 1
                        _ = engine.process(
                            FrameReport(camera: "cam-\(camera)", seq: seq[camera], ts: ms, detections: []), camera: camera, wallNowMs: ms,
                            into: &alerts)
                    }
                }
                engine.expire(wallNowMs: ms, into: &alerts)
                t += 0.5
            }
        }
    }

    @Test func aSilentCameraRaisesOfflineAndTheGapItOpensAndBothResolveWhenItReturns() throws {
        var h = Harness()
        h.run(from: 0, to: 10, live: [0, 1, 2])
        #expect(h.alerts.isEmpty)
        h.run(from: 10, to: 45, live: [0, 2])  // cam-1 silent from 10 s: offline at 40 s
        let raised = h.alerts.filter { $0.state == .raised }
        #expect(raised.map(\.kind) == ["camera_offline", "coverage_gap"])
        let offline = try #require(raised.first), gap = try #require(raised.last)
        #expect(offline.cameras == ["cam-1"])
        #expect(offline.zone == "border")
        #expect(offline.lat == 36.52)
        #expect(offline.firstTs == Self.t0 + 9_000)  // its last heartbeat
        let stretch = try #require(gap.stretch)
        #expect(gap.cameras == ["cam-1"])
        #expect(gap.zone == "border")
        // cam-0 covers the line up to ~1.34 km north of 36.50, cam-2 from ~1.34 km south of 36.54.
        let kmPerDegree = AlertEngineTests.border.length / 1_000
        #expect(abs(stretch.fromKm - (0.50 * kmPerDegree + 1.34)) < 0.05)
        #expect(abs(stretch.toKm - (0.54 * kmPerDegree - 1.34)) < 0.05)
        #expect(abs(gap.lat - 36.52) < 0.001)
        #expect(h.engine.stats.camerasOfflineNow == 1)

        h.alerts.removeAll()
        h.run(from: 45, to: 50, live: [0, 1, 2])
        #expect(h.alerts.map(\.state) == [.resolved, .resolved])
        #expect(Set(h.alerts.map(\.id)) == Set([offline.id, gap.id]))
        #expect(h.engine.stats.healthIncidentsOpen == 0)
    }

    @Test func aCameraNeverHeardFromGoesOfflineAfterTheTimeoutFromTheStart() {
        var h = Harness()
        h.run(from: 0, to: 29, live: [0, 1])
        #expect(h.alerts.isEmpty)
        h.run(from: 29, to: 31, live: [0, 1])
        #expect(h.alerts.filter { $0.kind == "camera_offline" }.map(\.cameras) == [["cam-2"]])
    }

    @Test func aCameraWhoseNeighboursStillCoverItsStretchOpensNoGap() {
        // cam-0's northern half is covered by cam-1; its southern part by nobody else, so losing
        // cam-0 opens a gap south of 36.52 - 1.34 km only: one gap, not two.
        var h = Harness()
        h.run(from: 0, to: 40, live: [1, 2])
        let gaps = h.alerts.filter { $0.kind == "coverage_gap" }
        #expect(gaps.count == 1)
        #expect(h.alerts.filter { $0.kind == "camera_offline" }.count == 1)
    }

    @Test func aWiderGapIsAnUpdateOfTheSameIncident() throws {
        var h = Harness()
        h.run(from: 0, to: 5, live: [0, 1, 2])
        h.run(from: 5, to: 40, live: [0, 2])  // cam-1 offline at 35 s
        let gap = try #require(h.alerts.first { $0.kind == "coverage_gap" })
        h.run(from: 40, to: 75, live: [0])  // cam-2 too, at 70 s
        let later = h.alerts.filter { $0.id == gap.id }
        #expect(later.map(\.state) == [.raised, .updated])
        #expect(later.last!.cameras == ["cam-1", "cam-2"])
        #expect(later.last!.stretch!.toKm > gap.stretch!.toKm)
    }

    @Test func anOfflineRuleThatInhibitsGapsLeavesOnlyTheOfflineAlert() {
        var rules = Self.rules
        rules[0].inhibits = ["coverage_gap"]
        var h = Harness(rules: rules)
        h.run(from: 0, to: 5, live: [0, 1, 2])
        h.run(from: 5, to: 40, live: [0, 2])
        #expect(h.alerts.map(\.kind) == ["camera_offline"])
        #expect(h.engine.stats.inhibited == 1)
    }

    @Test func withoutHealthRulesNothingIsRaisedButOfflineIsCounted() {
        var h = Harness(rules: [])
        h.run(from: 0, to: 40, live: [0])
        #expect(h.alerts.isEmpty)
        #expect(h.engine.stats.camerasOfflineNow == 2)
    }
}

/// No alert storms (issue 13): cameras that fall silent together are one incident listing them.
@Suite struct OfflineGroupTests {
    typealias Harness = CameraHealthTests.Harness

    @Test func camerasThatFallSilentTogetherAreOneIncidentResolvedWithTheLast() throws {
        var h = Harness()
        h.run(from: 0, to: 10, live: [0, 1, 2])
        h.run(from: 10, to: 45, live: [])  // the gateway died: all three silent from 10 s
        let offline = h.alerts.filter { $0.kind == "camera_offline" }
        #expect(offline.map(\.state) == [.raised], "\(offline)")
        let raised = try #require(offline.first)
        #expect(raised.cameras == ["cam-0", "cam-1", "cam-2"] && raised.count == 3)
        #expect(raised.lat == 36.52, "the centre of its cameras")
        // Two come back: still open; the third: resolved, once.
        h.run(from: 45, to: 50, live: [0, 2])
        #expect(h.alerts.filter { $0.kind == "camera_offline" && $0.state == .resolved }.isEmpty)
        h.run(from: 50, to: 55, live: [0, 1, 2])
        #expect(h.alerts.filter { $0.kind == "camera_offline" }.map(\.state) == [.raised, .resolved])
        #expect(h.engine.stats.camerasOffline == 3 && h.engine.stats.camerasReturned == 3)
    }

    @Test func aCameraThatFailsAloneIsItsOwnIncidentAndALaterOneIsAnother() {
        var h = Harness()
        h.run(from: 0, to: 10, live: [0, 1, 2])
        h.run(from: 10, to: 30, live: [0, 2])  // cam-1 silent from 10 s
        h.run(from: 30, to: 60, live: [2])  // cam-0 silent from 30 s: 20 s later, not together
        let raised = h.alerts.filter { $0.kind == "camera_offline" && $0.state == .raised }
        #expect(raised.map(\.cameras) == [["cam-1"], ["cam-0"]])
    }

    @Test func aWindowOfZeroIsOneIncidentPerCamera() {
        var settings = EngineSettings()
        settings.offlineGroupWindowMs = 0
        var h = Harness()
        h.engine = AlertEngine(cameras: CameraHealthTests.cameras, zones: AlertEngineTests.zones, rules: CameraHealthTests.rules, settings: settings)
        h.run(from: 0, to: 10, live: [0, 1, 2])
        h.run(from: 10, to: 45, live: [])
        #expect(h.alerts.filter { $0.kind == "camera_offline" && $0.state == .raised }.map(\.cameras) == [["cam-0"], ["cam-1"], ["cam-2"]])
    }

    @Test func aGapThatNarrowsKeepsItsCount() {
        // All three silent, one gap of all three; the outer two come back one by one: the gap
        // narrows to the middle camera's stretch, and its count (cameras involved) stays 3.
        var h = Harness()
        h.run(from: 0, to: 10, live: [0, 1, 2])
        h.run(from: 10, to: 45, live: [])
        h.run(from: 45, to: 50, live: [0])
        h.run(from: 50, to: 55, live: [0, 2])
        let gap = h.alerts.filter { $0.kind == "coverage_gap" }
        #expect(gap.count >= 2 && Set(gap.map(\.id)).count == 1, "\(gap.map { ($0.state, $0.cameras) })")
        #expect(gap.map(\.count) == gap.map { _ in 3 })
        #expect(gap.last.map { $0.stretch!.toKm - $0.stretch!.fromKm } ?? 0 < gap.first.map { $0.stretch!.toKm - $0.stretch!.fromKm } ?? 0)
    }

    @Test func aCameraFallingSilentJustAfterTheOthersJoinsTheirIncident() {
        var h = Harness()
        h.run(from: 0, to: 10, live: [0, 1, 2])
        h.run(from: 10, to: 12, live: [2])  // cam-0 and cam-1 silent from 10 s, cam-2 from 12 s
        h.run(from: 12, to: 45, live: [])
        let offline = h.alerts.filter { $0.kind == "camera_offline" }
        #expect(offline.map(\.state) == [.raised, .updated])
        #expect(offline.map(\.cameras) == [["cam-0", "cam-1"], ["cam-0", "cam-1", "cam-2"]])
        #expect(Set(offline.map(\.id)).count == 1)
    }
}
