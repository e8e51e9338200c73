import Foundation
import VigilCore

/// Reads the rules (`Config/rules.yaml`); the file's own comments are the operator's manual, and
/// ``Rule`` states the precedence.
///
/// ```yaml
/// timezone: Asia/Baghdad          # schedules are local time at the site (tz database name; default UTC)
/// schedules:                      # named schedules rules can refer to
///   night: {from: "18:00", to: "06:00"}
/// rules:
///   - name: crossing              # each rule: name, matchers, and one action
///     event: cross                # cross | enter | dwell | loiter | camera_offline | coverage_gap, or a list:
///                                 # [enter, dwell, loiter]; a suppress rule silences only the events it
///                                 # covers (naming none: every target event but cross)
///     zone: iq-sy-border          # a zone id, or zone_kind: border | strip | buffer | restricted | town | mask
///     classes: [person, vehicle]
///     min_conf: 0.5
///     min_count: 1                # smallest group size matched
///     cameras: [cam-rabia-]       # camera id prefixes
///     schedule: night             # a named schedule, or {from, to, days: [mon, ...]}, or a list of windows
///     after_s: 60                 # dwell only
///     alert: {kind: border_crossing, severity: critical}   # or suppress: true
///     escalate: [{min_count: 4, severity: critical}]        # alert rules: higher severity for groups
///     inhibits: [intrusion]       # alert rules: kinds not raised for the same target
///     repeat_interval_s: 10       # position-only updates at most this often
/// ```
///
/// An invalid rule is reported with its index and the key at fault (`rules[3].min_conf: …`).
public enum RulesFile {
    /// The rules and the site's time zone.
    public struct Contents: Sendable {
        /// The rules, in order.
        public var rules: [Rule]
        /// The site's time zone, for schedules.
        public var siteTime: SiteTime
    }

    /// The most distinct kinds a rules file may name (inhibition works on a 64-bit set).
    public static let maxKinds = 64

    /// Loads the rules at `path` (named `file` in errors); zone ids are checked against `zones`.
    public static func load(path: String, file: String? = nil, zones: [Zone]) throws(ConfigError) -> [Rule] {
        try loadContents(path: path, file: file, zones: zones).rules
    }

    /// Loads the rules and the site's time zone at `path` (named `file` in errors).
    public static func loadContents(path: String, file: String? = nil, zones: [Zone]) throws(ConfigError) -> Contents {
        try contents(of: try YAMLDocument.load(path: path, file: file), zones: zones)
    }

    /// Reads the rules and the site's time zone from YAML `text` (named `file` in errors); the
    /// same checks as ``loadContents(path:file:zones:)``.
    public static func parseContents(_ text: String, file: String, zones: [Zone]) throws(ConfigError) -> Contents {
        try contents(of: try YAMLDocument.parse(text, file: file), zones: zones)
    }

    private static func contents(of document: YAMLValue, zones: [Zone]) throws(ConfigError) -> Contents {
        let root = try document.mapping(allowed: ["timezone", "schedules", "rules"])
        let siteTime = try timeZone(root)
        var schedules: [String: Schedule] = [:]
        let named = try root["schedules"].mapping(allowed: nil)
        for name in named.keys.sorted() {
            guard Identifier.isValid(name) else { throw named[name].error("\"\(name)\" is not a schedule name ([A-Za-z0-9_-]{1,64})") }
            schedules[name] = try schedule(named[name], named: [:])
        }
        var rules: [Rule] = []
        for item in try root.required("rules").sequence() {
            rules.append(try rule(item, zones: zones, schedules: schedules))
        }
        try checkKinds(rules, root["rules"])
        return Contents(rules: rules, siteTime: siteTime)
    }

    private static let ruleKeys: Set<String> = [
        "name", "event", "zone", "zone_kind", "classes", "min_conf", "after_s", "min_count", "cameras", "schedule", "alert", "suppress",
        "escalate", "inhibits", "repeat_interval_s",
    ]

    private static func rule(_ item: YAMLValue, zones: [Zone], schedules: [String: Schedule]) throws(ConfigError) -> Rule {
        let map = try item.mapping(allowed: ruleKeys)
        let name = try map.string("name", default: item.path)
        var events: [RuleEvent]?
        if map.has("event") {
            let value = map["event"]
            let names = RuleEvent.allCases.map(\.rawValue)
            var list: [RuleEvent] = []
            for item in value.isSequence ? try value.sequence() : [value] {
                let event = RuleEvent(rawValue: try item.choice(names))!
                guard !list.contains(event) else { throw item.error("\(event.rawValue) is listed twice") }
                list.append(event)
            }
            guard !list.isEmpty else { throw value.error("expected an event or a list of events: \(names.joined(separator: " | "))") }
            if list.contains(where: \.isHealth) && !list.allSatisfy(\.isHealth) {
                throw value.error("mixes camera events (camera_offline, coverage_gap) with target events; make them two rules")
            }
            events = list
        }
        if let events, events.allSatisfy(\.isHealth) {
            for key in ["classes", "min_conf", "after_s", "min_count", "escalate"] where map.has(key) {
                throw map[key].error("does not apply to event \(events.map(\.rawValue).joined(separator: ", ")): a camera event has no target")
            }
        }
        if map.has("after_s") && !(events?.contains(.dwell) ?? false) { throw map["after_s"].error("applies to event dwell only") }
        var zoneID: String?
        if map.has("zone") {
            let id = try map["zone"].string()
            guard zones.contains(where: { $0.id == id }) else {
                throw map["zone"].error("no zone has id \"\(id)\"; expected one of \(zones.map(\.id).joined(separator: ", "))")
            }
            zoneID = id
        }
        var zoneKind: ZoneKind?
        if map.has("zone_kind") { zoneKind = ZoneKind(rawValue: try map["zone_kind"].choice(ZoneKind.allCases.map(\.rawValue))) }
        var classes: Set<ObjectClass>?
        if map.has("classes") {
            var set = Set<ObjectClass>()
            for value in try map["classes"].sequence() { set.insert(ObjectClass(rawValue: try value.choice(ObjectClass.allCases.map(\.rawValue)))!) }
            classes = set
        }
        var cameras: [String]?
        if map.has("cameras") {
            cameras = try map["cameras"].strings()
            for (i, prefix) in cameras!.enumerated() where prefix.isEmpty || prefix.count > 64 {
                throw map["cameras"].error("cameras[\(i)]: expected a camera id or id prefix")
            }
        }
        let minConf = try map.double("min_conf", default: 0, in: 0...1)
        let after = try map.double("after_s", default: 0, in: 0...86_400)
        let minCount = try map.int("min_count", default: 1, in: 1...10_000)
        var schedule: Schedule?
        if map.has("schedule") { schedule = try Self.schedule(map["schedule"], named: schedules) }
        let suppress = try map.bool("suppress", default: false)
        let action: Rule.Action
        switch (map.has("alert"), suppress) {
        case (true, false):
            let alert = try map["alert"].mapping(allowed: ["kind", "severity"])
            let kind = try alert.required("kind").string()
            guard Identifier.isValid(kind) else { throw alert["kind"].error("\"\(kind)\" is not a kind name ([A-Za-z0-9_-]{1,64})") }
            let severity = Severity(rawValue: try alert.required("severity").choice(Severity.allCases.map(\.rawValue)))!
            action = .alert(kind: kind, severity: severity)
        case (false, true):
            action = .suppress
            for key in ["escalate", "inhibits", "repeat_interval_s"] where map.has(key) {
                throw map[key].error("applies to alert rules only; this rule suppresses")
            }
        default:
            throw item.error("a rule needs exactly one action: either alert: {kind, severity} or suppress: true")
        }
        var escalations: [Rule.Escalation] = []
        if map.has("escalate") {
            let value = map["escalate"]
            for step in value.isSequence ? try value.sequence() : [value] {
                let step = try step.mapping(allowed: ["min_count", "severity"])
                let count = try step.required("min_count").int(in: 2...10_000)
                let severity = Severity(rawValue: try step.required("severity").choice(Severity.allCases.map(\.rawValue)))!
                escalations.append(Rule.Escalation(minCount: count, severity: severity))
            }
        }
        let inhibits = try map.strings("inhibits", default: [])
        for (i, kind) in inhibits.enumerated() where !Identifier.isValid(kind) {
            throw map["inhibits"].error("inhibits[\(i)] \"\(kind)\" is not a kind name ([A-Za-z0-9_-]{1,64})")
        }
        var repeatInterval: Double?
        if map.has("repeat_interval_s") { repeatInterval = try map["repeat_interval_s"].double(in: 0...86_400) }
        return Rule(
            name: name, events: events, zoneID: zoneID, zoneKind: zoneKind, classes: classes, minConf: minConf, afterSeconds: after,
            minCount: minCount, cameras: cameras, schedule: schedule, action: action, escalations: escalations, inhibits: inhibits,
            repeatIntervalSeconds: repeatInterval)
    }

    /// Inhibited kinds must be raised by some rule, a rule may not inhibit its own kind, two
    /// kinds may not inhibit each other, and there are at most ``maxKinds`` kinds.
    private static func checkKinds(_ rules: [Rule], _ list: YAMLValue) throws(ConfigError) {
        let raised = Set(rules.compactMap(\.kind))
        var inhibits: [String: Set<String>] = [:]
        for (i, rule) in rules.enumerated() {
            let at = ConfigError(file: list.file, key: "rules[\(i)].inhibits", "")
            for kind in rule.inhibits {
                guard raised.contains(kind) else {
                    throw ConfigError(file: at.file, key: at.key, "no rule raises kind \"\(kind)\"; expected one of \(raised.sorted().joined(separator: ", "))")
                }
                guard kind != rule.kind else { throw ConfigError(file: at.file, key: at.key, "a rule cannot inhibit its own kind \"\(kind)\"") }
                if let own = rule.kind {
                    inhibits[own, default: []].insert(kind)
                    if inhibits[kind]?.contains(own) == true {
                        throw ConfigError(file: at.file, key: at.key, "\"\(own)\" and \"\(kind)\" would inhibit each other; at most one may inhibit the other")
                    }
                }
            }
        }
        let kinds = raised.union(rules.flatMap(\.inhibits))
        if kinds.count > maxKinds {
            throw list.error("the rules name \(kinds.count) kinds; at most \(maxKinds) are supported")
        }
    }

    private static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// A schedule: a name of `schedules`, one window `{from, to, days}`, or a list of windows
    /// (the days of the first window that names them apply to all).
    static func schedule(_ value: YAMLValue, named: [String: Schedule]) throws(ConfigError) -> Schedule {
        if !value.isMapping && !value.isSequence {
            let name = try value.string()
            guard let schedule = named[name] else {
                throw value.error("no schedule named \"\(name)\"; expected one of \(named.keys.sorted().joined(separator: ", ")) or {from, to}")
            }
            return schedule
        }
        var windows: [Schedule.Window] = []
        var weekdays = Schedule.everyDay
        for item in value.isSequence ? try value.sequence() : [value] {
            let map = try item.mapping(allowed: ["from", "to", "days"])
            let from = try minutes(map.required("from"), allowMidnightEnd: false)
            let to = try minutes(map.required("to"), allowMidnightEnd: true)
            guard from != to else { throw map["to"].error("equals from; a window needs a length (00:00 to 24:00 is the whole day)") }
            windows.append(Schedule.Window(from: from, to: to))
            if map.has("days") {
                var mask: UInt8 = 0
                for day in try map["days"].sequence() {
                    let name = try day.choice(weekdayNames)
                    mask |= 1 << UInt8(weekdayNames.firstIndex(of: name)!)
                }
                weekdays = mask
            }
        }
        guard !windows.isEmpty else { throw value.error("expected at least one window {from, to}") }
        return Schedule(windows: windows, weekdays: weekdays)
    }

    /// `"HH:MM"` as minutes since midnight; `"24:00"` only as an end.
    private static func minutes(_ value: YAMLValue, allowMidnightEnd: Bool) throws(ConfigError) -> Int {
        let text = try value.string()
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...59).contains(minutes), (0...23).contains(hours) || (allowMidnightEnd && hours == 24 && minutes == 0)
        else {
            throw value.error("expected a local time \"HH:MM\" (00:00 to \(allowMidnightEnd ? "24:00" : "23:59")), found \"\(text)\"")
        }
        return hours * 60 + minutes
    }

    /// The site's time zone from `timezone:` (a tz database name), as a table of UTC offsets
    /// from 1970 to 2100 built with Foundation's `TimeZone`.
    private static func timeZone(_ root: YAMLMapping) throws(ConfigError) -> SiteTime {
        guard root.has("timezone") else { return .utc }
        let name = try root["timezone"].string()
        guard let zone = TimeZone(identifier: name) else {
            throw root["timezone"].error("unknown time zone \"\(name)\"; expected a tz database name such as Asia/Baghdad or UTC")
        }
        var transitions: [(ms: Int64, offsetSeconds: Int32)] = []
        var date = Date(timeIntervalSince1970: 0)
        let end = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: date), next < end, transitions.count < 1_000 {
            transitions.append((Int64((next.timeIntervalSince1970 * 1_000).rounded()), Int32(zone.secondsFromGMT(for: next))))
            date = next
        }
        return SiteTime(name: name, initialOffset: Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0))), transitions: transitions)
    }
}
