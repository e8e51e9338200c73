import VigilCore

/// Reads the rules (`Config/rules.yaml`): a list under `rules:`, evaluated in order.
///
/// Each rule: `name`, optional matchers `event` (cross, enter, dwell), `zone` (an id),
/// `zone_kind`, `classes` (list), `min_conf`, `after_s` (for dwell), and either `alert: {kind,
/// severity}` or `suppress: true`. An invalid rule is reported with its index and the key at fault.
public enum RulesFile {
    /// Loads the rules at `path` (named `file` in errors); zone ids are checked against `zones`.
    public static func load(path: String, file: String? = nil, zones: [Zone]) throws(ConfigError) -> [Rule] {
        let root = try YAMLDocument.load(path: path, file: file).mapping(allowed: ["rules"])
        var rules: [Rule] = []
        for item in try root.required("rules").sequence() {
            let map = try item.mapping(allowed: ["name", "event", "zone", "zone_kind", "classes", "min_conf", "after_s", "alert", "suppress"])
            let name = try map.string("name", default: item.path)
            var event: RuleEvent?
            if map.has("event") { event = RuleEvent(rawValue: try map["event"].choice(RuleEvent.allCases.map(\.rawValue))) }
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
            let minConf = try map.double("min_conf", default: 0, in: 0...1)
            let after = try map.double("after_s", default: 0, in: 0...86_400)
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
            default:
                throw item.error("a rule needs exactly one action: either alert: {kind, severity} or suppress: true")
            }
            rules.append(Rule(name: name, event: event, zoneID: zoneID, zoneKind: zoneKind, classes: classes, minConf: minConf, afterSeconds: after, action: action))
        }
        return rules
    }
}
