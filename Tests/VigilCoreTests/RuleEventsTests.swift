import Testing
@testable import VigilCore

/// Rules cover the events they name; a suppression silences only those, so nothing silences a
/// border crossing by accident (issue 13: a person crossing inside a town by day raised nothing).
@Suite struct RuleEventsTests {
    typealias H = AlertEngineTests.Harness

    /// A town astride the test border (a disc of 400 m round a point on the line), the strip,
    /// and the default rules' shape: towns by day silenced, crossings critical, a minute in the
    /// strip an intrusion.
    static let zones = ZoneSet(zones: AlertEngineTests.zones.zones + [
        Zone(id: "town", name: "Town", kind: .town, shape: .circle(center: GeoPoint(lat: 36.5, lon: 42.0), radius: 400))
    ])
    static let day = Schedule(windows: [.init(from: 0, to: 24 * 60)])
    static let crossing = Rule(
        name: "crossing", event: .cross, zoneKind: .border, classes: [.person, .vehicle], action: .alert(kind: "border_crossing", severity: .critical))
    static let strip = Rule(
        name: "strip", event: .dwell, zoneKind: .strip, classes: [.person, .vehicle], afterSeconds: 60, action: .alert(kind: "intrusion", severity: .high))

    static func harness(_ rules: [Rule]) -> H {
        H(engine: AlertEngine(cameras: AlertEngineTests.cameras, zones: zones, rules: rules))
    }

    static func townByDay(_ events: [RuleEvent]?) -> Rule {
        Rule(name: "town-by-day", events: events, zoneKind: .town, classes: [.person], schedule: day, action: .suppress)
    }

    @Test func aCrossingInsideATownByDayIsRaisedWhateverTheTownRuleNames() {
        for events in [nil, [.enter, .dwell, .loiter] as [RuleEvent]] {
            var h = Self.harness([Self.townByDay(events), Self.crossing, Self.strip])
            h.walk(.person, from: -150, to: 150, start: 0, seconds: 60)
            let raised = h.alerts.filter { $0.state == .raised }
            #expect(raised.map(\.kind) == ["border_crossing"], "town rule events \(String(describing: events))")
            #expect(raised.first?.direction == "SY->IQ")
        }
    }

    @Test func presenceInATownByDayIsSilencedInTheStripItOverlapsToo() {
        // A resident standing 200 m from the line, in the town and in the strip, for two minutes.
        var h = Self.harness([Self.townByDay([.enter, .dwell, .loiter]), Self.crossing, Self.strip])
        h.walk(.person, from: 200, to: 210, start: 0, seconds: 120)
        #expect(h.alerts.isEmpty)
        #expect(h.engine.stats.suppressed == 1)
        // Outside the town, the same minute in the strip is an intrusion.
        var open = Self.harness([Self.townByDay([.enter, .dwell, .loiter]), Self.crossing, Self.strip])
        open.walk(.person, from: 600, to: 610, start: 0, seconds: 120)
        #expect(open.alerts.first?.kind == "intrusion")
    }

    @Test func onlyASuppressionThatNamesCrossSilencesACrossing() {
        var rule = Self.townByDay([.cross])
        rule.name = "no-crossings-in-town"
        var h = Self.harness([rule, Self.crossing])
        h.walk(.person, from: -150, to: 150, start: 0, seconds: 60)
        #expect(h.alerts.isEmpty)
        #expect(RuleWarnings.crossingBlockers([rule, Self.crossing]).first?.hasPrefix("rules[0] no-crossings-in-town: suppresses cross") == true)
    }

    @Test func theWarningsNameEveryRuleThatCanKeepACrossingBack() {
        let inhibitor = Rule(name: "loud", event: .enter, zoneKind: .strip, action: .alert(kind: "intrusion", severity: .high), inhibits: ["border_crossing"])
        var nightOnly = Self.crossing
        nightOnly.schedule = Schedule(windows: [.init(from: 18 * 60, to: 6 * 60)])
        let warnings = RuleWarnings.crossingBlockers([inhibitor, nightOnly])
        #expect(warnings.contains { $0.hasPrefix("rules[0] loud: inhibits border_crossing") })
        #expect(warnings.contains { $0.hasPrefix("a border crossing of a person is raised only under conditions: rules[1] crossing") })
        #expect(warnings.contains { $0 == "no rule raises a border crossing of a unknown: no alert rule covers cross for that class" })
        let clean = Rule(name: "any-crossing", event: .cross, zoneKind: .border, minConf: 0.5, action: .alert(kind: "border_crossing", severity: .critical))
        #expect(RuleWarnings.crossingBlockers([Self.townByDay(nil), clean]).isEmpty)
    }

    @Test func whatARuleCovers() {
        let alert = Rule(name: "a", action: .alert(kind: "x", severity: .low))
        let suppress = Rule(name: "s", action: .suppress)
        #expect(RuleEvent.allCases.filter(alert.covers) == [.cross, .enter, .dwell, .loiter])
        #expect(RuleEvent.allCases.filter(suppress.covers) == [.enter, .dwell, .loiter])
        #expect(Rule(name: "h", event: .cameraOffline, action: .suppress).isHealthRule)
    }
}
