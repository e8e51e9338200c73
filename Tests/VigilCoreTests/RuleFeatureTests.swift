import Testing
@testable import VigilCore

/// Each rule feature on the test border of ``AlertEngineTests`` (north–south at 42°E, a 1 km
/// strip, two cameras), with the rules written for the feature.
@Suite struct RuleFeatureTests {
    typealias H = AlertEngineTests.Harness

    static func harness(_ rules: [Rule], siteTime: SiteTime = .utc, settings: EngineSettings = EngineSettings()) -> H {
        H(engine: AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: rules, settings: settings, siteTime: siteTime))
    }

    static let crossing = Rule(name: "crossing", event: .cross, zoneKind: .border, action: .alert(kind: "border_crossing", severity: .critical))
    /// Baghdad: UTC+3 all year. The harness's t0 is 2026-11-21 02:33 UTC, 05:33 local, a Saturday.
    static let baghdad = SiteTime(name: "Asia/Baghdad", initialOffset: 3 * 3_600, transitions: [])

    @Test func siteTimeGivesLocalMinuteAndWeekday() {
        let t0: Int64 = 1_795_228_380_000
        #expect(Self.baghdad.local(t0).minute == 5 * 60 + 33)
        #expect(Self.baghdad.local(t0).weekday == 5)  // Saturday
        #expect(SiteTime.utc.local(t0).minute == 2 * 60 + 33)
        // A transition table: +3 before, +2 after the transition.
        let shifting = SiteTime(name: "x", initialOffset: 3 * 3_600, transitions: [(ms: t0, offsetSeconds: 2 * 3_600)])
        #expect(shifting.offsetSeconds(at: t0 - 1) == 3 * 3_600)
        #expect(shifting.offsetSeconds(at: t0) == 2 * 3_600)
        #expect(Schedule.Window(from: 18 * 60, to: 6 * 60).contains(5 * 60 + 33))
        #expect(!Schedule.Window(from: 18 * 60, to: 6 * 60).contains(12 * 60))
    }

    @Test func aScheduledRuleAlertsOnlyInsideItsWindowInTheSiteTimeZone() {
        func crossings(_ window: Schedule.Window, weekdays: UInt8 = Schedule.everyDay) -> Int {
            var rule = Self.crossing
            rule.schedule = Schedule(windows: [window], weekdays: weekdays)
            var h = Self.harness([rule], siteTime: Self.baghdad)
            h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
            return h.alerts.filter { $0.state == .raised }.count
        }
        #expect(crossings(.init(from: 5 * 60 + 30, to: 6 * 60)) == 1)  // 05:30–06:00 local: inside
        #expect(crossings(.init(from: 5 * 60, to: 5 * 60 + 30)) == 0)  // 05:00–05:30: before
        #expect(crossings(.init(from: 18 * 60, to: 6 * 60)) == 1)  // night, wrapping midnight
        #expect(crossings(.init(from: 6 * 60, to: 18 * 60)) == 0)  // day
        #expect(crossings(.init(from: 18 * 60, to: 6 * 60), weekdays: 1 << 5) == 1)  // Saturdays
        #expect(crossings(.init(from: 18 * 60, to: 6 * 60), weekdays: 1 << 4) == 0)  // Fridays only
    }

    @Test func aScheduledSuppressionSilencesOnlyInItsWindow() {
        // It names cross: a suppression that names no event never silences a crossing.
        let quietNights = Rule(
            name: "quiet", event: .cross, classes: [.person], schedule: Schedule(windows: [.init(from: 18 * 60, to: 6 * 60)]), action: .suppress)
        var h = Self.harness([quietNights, Self.crossing], siteTime: Self.baghdad)
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
        #expect(h.alerts.isEmpty)
        #expect(h.engine.stats.suppressed == 1)
    }

    @Test func minConfAndClassesMatchTheTarget() {
        var rule = Self.crossing
        rule.classes = [.vehicle]
        var h = Self.harness([rule])
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
        #expect(h.alerts.isEmpty)
        rule.classes = nil
        rule.minConf = 0.95  // the harness's detections have 0.9
        h = Self.harness([rule])
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
        #expect(h.alerts.isEmpty)
    }

    @Test func cameraPrefixesMatchTheCamerasThatSawTheTarget() {
        var rule = Self.crossing
        rule.cameras = ["cam-z"]
        var h = Self.harness([rule])
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
        #expect(h.alerts.isEmpty)
        rule.cameras = ["cam-b"]
        h = Self.harness([rule])
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
        #expect(h.alerts.filter { $0.state == .raised }.count == 1)
    }

    /// Five people crossing side by side, 4 m apart, seen by camera 0.
    static func groupCrossing(_ h: inout H, size: Int) {
        var t = 0.0
        while t <= 40 {
            let x = -60 + 260 * t / 40
            let detections = (0..<size).map { i in
                (track: UInt32(200 + i), ObjectClass.person, AlertEngineTests.at(x, lat: 36.5 + Double(i) * 0.000036))
            }
            h.frame(camera: 0, at: t, detections)
            t += 0.5
        }
    }

    @Test func minCountMatchesGroupsOfThatSizeOnly() {
        var rule = Self.crossing
        rule.minCount = 3
        var h = Self.harness([rule])
        Self.groupCrossing(&h, size: 2)
        #expect(h.alerts.isEmpty)
        h = Self.harness([rule])
        Self.groupCrossing(&h, size: 4)
        let raised = h.alerts.filter { $0.state == .raised }
        #expect(raised.count == 1)
        #expect(raised.first?.count == 4)
    }

    @Test func escalationRaisesTheSeverityForLargeGroups() {
        let rule = Rule(
            name: "crossing", event: .cross, action: .alert(kind: "border_crossing", severity: .medium),
            escalations: [.init(minCount: 3, severity: .high), .init(minCount: 5, severity: .critical)])
        for (size, severity) in [(1, Severity.medium), (3, .high), (5, .critical)] {
            var h = Self.harness([rule])
            Self.groupCrossing(&h, size: size)
            let raised = h.alerts.filter { $0.state == .raised }
            #expect(raised.count == 1, "group of \(size)")
            #expect(raised.first?.severity == severity, "group of \(size)")
            #expect(h.alerts.allSatisfy { $0.severity == severity })
        }
    }

    @Test func aCrossingInhibitsTheStripIntrusionOfTheSamePerson() {
        // The intrusion is critical at night here, so without inhibition the person who crossed
        // and waits in the strip would have the incident turned into an intrusion.
        let strip = Rule(name: "strip", event: .dwell, zoneKind: .strip, afterSeconds: 30, action: .alert(kind: "intrusion", severity: .critical))
        var crossing = Self.crossing
        crossing.action = .alert(kind: "border_crossing", severity: .high)
        func run(_ rules: [Rule]) -> (alerts: [AlertMessage], stats: EngineStats) {
            var h = Self.harness(rules)
            h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
            // Waits 200 m inside Iraq, in the strip, for 90 s.
            var t = 40.5
            while t <= 130 {
                h.frame(camera: 0, at: t, [(100, .person, AlertEngineTests.at(200))])
                h.frame(camera: 1, at: t, [(101, .person, AlertEngineTests.at(200))])
                t += 0.5
            }
            return (h.alerts, h.engine.stats)
        }
        let plain = run([crossing, strip])
        #expect(plain.alerts.contains { $0.kind == "intrusion" })
        crossing.inhibits = ["intrusion"]
        let inhibited = run([crossing, strip])
        #expect(inhibited.alerts.allSatisfy { $0.kind == "border_crossing" })
        #expect(inhibited.alerts.filter { $0.state == .raised }.count == 1)
        #expect(inhibited.stats.inhibited == 1)
    }

    @Test func theRepeatIntervalLimitsPositionOnlyUpdates() {
        func updates(every seconds: Double?) -> Int {
            let strip = Rule(
                name: "strip", event: .enter, zoneKind: .strip, action: .alert(kind: "intrusion", severity: .high),
                repeatIntervalSeconds: seconds)
            var h = Self.harness([strip])
            // Drives north inside the strip, 200 m east of the line, 15 m/s for 100 s: 75 m in 5 s,
            // past the 50 m a position update needs.
            var t = 0.0
            while t <= 100 {
                let lat = 36.5 + t * 15 / 111_000
                h.frame(camera: 0, at: t, [(100, .vehicle, AlertEngineTests.at(200, lat: lat))])
                t += 0.5
            }
            return h.alerts.filter { $0.state == .updated }.count
        }
        let often = updates(every: 5), rarely = updates(every: 40), byDefault = updates(every: nil)
        #expect(often >= 15)
        #expect(rarely <= 3)
        #expect(byDefault > rarely && byDefault < often)
    }

    @Test func alertsNameTheRuleThatFired() {
        var h = Self.harness([Self.crossing])
        h.walk(.person, from: -60, to: 200, start: 0, seconds: 40)
        #expect(!h.alerts.isEmpty)
        #expect(h.alerts.allSatisfy { $0.rule == "crossing" })
        let json = String(decoding: AlertEncoder.encode(h.alerts[0], seq: 1, emittedTs: 0), as: UTF8.self)
        #expect(json.contains(#""rule":"crossing""#))
        #expect(!json.contains("exercise"))
    }

    @Test func alertsOfReportsMarkedExerciseAreExercises() {
        var h = Self.harness([Self.crossing])
        var t = 0.0
        while t <= 40 {
            let ts = h.t0 + Int64(t * 1_000)
            let report = FrameReport(
                camera: "cam-a", seq: UInt64(t * 2) + 1, ts: ts,
                detections: [Detection(track: 1, objectClass: .person, conf: 0.9, lat: AlertEngineTests.at(-60 + 6.5 * t).lat, lon: AlertEngineTests.at(-60 + 6.5 * t).lon)],
                exercise: true)
            _ = h.engine.process(report, camera: 0, wallNowMs: ts, into: &h.alerts)
            t += 0.5
        }
        #expect(!h.alerts.isEmpty)
        #expect(h.alerts.allSatisfy { $0.exercise })
        #expect(String(decoding: AlertEncoder.encode(h.alerts[0], seq: 1, emittedTs: 0), as: UTF8.self).hasSuffix(#","exercise":true}"#))
    }
}
