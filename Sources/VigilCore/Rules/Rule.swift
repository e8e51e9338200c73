/// What a target did that a rule can match.
public enum RuleEvent: String, Sendable, CaseIterable, Hashable {
    /// Crossed a border line (with a direction).
    case cross
    /// Is inside a zone (after the zone's inertia).
    case enter
    /// Has stayed inside a zone for at least the rule's `after_s` without crossing.
    case dwell
    /// Has stayed inside a zone for longer than the zone's own `loitering_s`.
    case loiter
}

/// One rule: what it matches and what it does. Rules are evaluated in the order of the file.
///
/// Precedence: if any matching rule suppresses, no alert is raised or escalated for the target;
/// otherwise the matching rule with the highest severity decides kind and severity (on a tie, the
/// first listed). An open incident's severity never falls.
public struct Rule: Sendable, Equatable {
    /// What a matching rule does.
    public enum Action: Sendable, Equatable {
        /// Raise (or escalate to) an alert of this kind and severity.
        case alert(kind: String, severity: Severity)
        /// Never alert for what matches.
        case suppress
    }

    /// The rule's name, for logs.
    public var name: String
    /// The event matched; `nil` matches any.
    public var event: RuleEvent?
    /// The zone id matched; `nil` matches any.
    public var zoneID: String?
    /// The zone kind matched; `nil` matches any.
    public var zoneKind: ZoneKind?
    /// The classes matched; `nil` matches any.
    public var classes: Set<ObjectClass>?
    /// The minimum confidence of the target's best detection.
    public var minConf: Double
    /// For `dwell`: seconds inside the zone before the rule matches.
    public var afterSeconds: Double
    /// What the rule does.
    public var action: Action

    /// Creates a rule.
    public init(
        name: String, event: RuleEvent? = nil, zoneID: String? = nil, zoneKind: ZoneKind? = nil,
        classes: Set<ObjectClass>? = nil, minConf: Double = 0, afterSeconds: Double = 0, action: Action
    ) {
        self.name = name
        self.event = event
        self.zoneID = zoneID
        self.zoneKind = zoneKind
        self.classes = classes
        self.minConf = minConf
        self.afterSeconds = afterSeconds
        self.action = action
    }
}
