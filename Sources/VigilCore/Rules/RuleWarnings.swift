/// What in a rule set can keep a border crossing from being raised: the mistakes that silence a
/// border without a word. `vigil rules check` prints them; the daemon logs them at start.
///
/// A crossing is raised by an alert rule that covers `cross` (``Rule/covers(_:)``). It is kept
/// back by a suppressing rule that covers `cross`, by a rule that inhibits the crossing's kind,
/// or by the lack of a crossing rule for some class of intruder at some time.
public enum RuleWarnings {
    /// The classes a crossing of which must always raise something.
    static let intruders: [ObjectClass] = [.person, .vehicle, .unknown]

    /// One line per rule that can keep a crossing back, naming the rule (by index and name) and
    /// why; empty when nothing can.
    public static func crossingBlockers(_ rules: [Rule]) -> [String] {
        var warnings: [String] = []
        let crossingRules = rules.indices.filter { rules[$0].kind != nil && rules[$0].covers(.cross) && !rules[$0].isHealthRule }
        let crossingKinds = Set(crossingRules.compactMap { rules[$0].kind })
        for (i, rule) in rules.enumerated() {
            let scope = Self.scope(of: rule)
            if rule.kind == nil && rule.covers(.cross) {
                warnings.append("rules[\(i)] \(rule.name): suppresses cross\(scope): a border crossing it matches raises nothing")
            }
            let blocked = rule.inhibits.filter(crossingKinds.contains)
            if !blocked.isEmpty {
                warnings.append(
                    "rules[\(i)] \(rule.name): inhibits \(blocked.joined(separator: ", ")): a crossing of a target it matches\(scope), or whose incident is a \(rule.kind ?? "?"), is not raised"
                )
            }
        }
        // A class that no unconditional crossing rule covers crosses unseen some of the time.
        for objectClass in intruders {
            let covering = crossingRules.filter { rules[$0].classes?.contains(objectClass) ?? true }
            if covering.isEmpty {
                warnings.append("no rule raises a border crossing of a \(objectClass.rawValue): no alert rule covers cross for that class")
            } else if !covering.contains(where: { Self.conditions(of: rules[$0]).isEmpty }) {
                let names = covering.map { "rules[\($0)] \(rules[$0].name)\(Self.scope(of: rules[$0]))" }.joined(separator: "; ")
                warnings.append("a border crossing of a \(objectClass.rawValue) is raised only under conditions: \(names)")
            }
        }
        return warnings
    }

    /// What narrows a rule, as ` (…)`, or empty: its classes and ``conditions(of:)``.
    static func scope(of rule: Rule) -> String {
        var parts: [String] = []
        if let classes = rule.classes { parts.append("classes \(classes.map(\.rawValue).sorted().joined(separator: ","))") }
        parts += conditions(of: rule)
        return parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
    }

    /// What keeps a rule from matching every target of its classes in a border zone: a schedule,
    /// camera prefixes, a group size, a confidence above 0.5, one zone.
    static func conditions(of rule: Rule) -> [String] {
        var parts: [String] = []
        if rule.schedule != nil { parts.append("on a schedule") }
        if let cameras = rule.cameras { parts.append("cameras \(cameras.joined(separator: ","))") }
        if rule.minCount > 1 { parts.append("groups of \(rule.minCount) or more") }
        if rule.minConf > 0.5 { parts.append("min_conf \(rule.minConf)") }
        if let zone = rule.zoneID { parts.append("zone \(zone)") }
        return parts
    }
}
