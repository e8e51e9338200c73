/// What a target or a camera did that a rule can match.
public enum RuleEvent: String, Sendable, CaseIterable, Hashable {
    /// Crossed a border line (with a direction).
    case cross
    /// Is inside a zone (after the zone's inertia).
    case enter
    /// Has stayed inside a zone for at least the rule's `after_s` without crossing.
    case dwell
    /// Has stayed inside a zone for longer than the zone's own `loitering_s`.
    case loiter
    /// A registered camera has sent nothing, not even a heartbeat, for the offline timeout.
    case cameraOffline = "camera_offline"
    /// A stretch of border the configured cameras cover is covered by no live camera.
    case coverageGap = "coverage_gap"

    /// Whether the event concerns cameras rather than targets. A rule that names no event
    /// matches every target event and no camera event: health rules name theirs.
    public var isHealth: Bool { self == .cameraOffline || self == .coverageGap }

    /// The event's bit in a mask of events.
    @inlinable
    public var bit: UInt8 {
        switch self {
        case .cross: 1 << 0
        case .enter: 1 << 1
        case .dwell: 1 << 2
        case .loiter: 1 << 3
        case .cameraOffline: 1 << 4
        case .coverageGap: 1 << 5
        }
    }
}

/// One rule: what it matches and what it does. Rules are evaluated in the order of the file.
///
/// **Matching.** A rule matches when every matcher it has matches: the event, the zone (id or
/// kind), the target's class and best confidence, the size of its group, the cameras, and the
/// schedule (local time of day and weekday at the site, of the event's time).
///
/// **Events.** A rule covers the events it names (`event: cross`, or a list such as
/// `event: [enter, dwell, loiter]`). An alert rule that names none covers every target event; a
/// suppressing rule that names none covers every target event but `cross`: no rule silences a
/// border crossing unless it says so.
///
/// **Precedence**, in order:
/// 1. A suppressing rule matches a target by its matchers (its zone or zone kind says where the
///    target is: any fact there will do) and silences the events it covers, whatever zone they
///    are in: no alert rule fires on them for the target (or camera). Events it does not cover
///    go on: a person crossing inside a town by day is a crossing, whatever the town rule says,
///    unless it names `cross`.
/// 2. Inhibition: a kind that a matching rule inhibits, or that the open incident's kind
///    inhibits, is out of the running (a crossing inhibits the strip intrusion of the same person).
/// 3. Of the matching alert rules left, the one with the highest severity decides kind and
///    severity, counting its escalation for the group's size; on a tie, the first listed.
///
/// An open incident's severity never falls.
public struct Rule: Sendable, Equatable {
    /// What a matching rule does.
    public enum Action: Sendable, Equatable {
        /// Raise (or escalate to) an alert of this kind and severity.
        case alert(kind: String, severity: Severity)
        /// Never alert for what matches.
        case suppress
    }

    /// A higher severity for groups: from `minCount` targets up, the alert has `severity`.
    public struct Escalation: Sendable, Equatable {
        /// The group size from which the escalation applies.
        public var minCount: Int
        /// The severity from that size up.
        public var severity: Severity

        /// Creates an escalation.
        public init(minCount: Int, severity: Severity) {
            self.minCount = minCount
            self.severity = severity
        }
    }

    /// The rule's name, for logs, alerts (`rule`) and `vigil rules test`.
    public var name: String
    /// The events the rule covers, in the order given; `nil`: see ``covers(_:)``.
    public var events: [RuleEvent]?
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
    /// The smallest group (targets in the incident, or moving together) the rule matches. 1: any.
    public var minCount: Int
    /// Camera id prefixes: the rule matches when one of the target's (or the camera event's)
    /// cameras starts with one of them; `nil` matches any.
    public var cameras: [String]?
    /// When the rule applies, in the site's time zone; `nil`: always.
    public var schedule: Schedule?
    /// What the rule does.
    public var action: Action
    /// Severities for larger groups (alert rules only), by ascending `minCount`.
    public var escalations: [Escalation]
    /// Kinds this rule's alert inhibits for the same target (alert rules only).
    public var inhibits: [String]
    /// Position-only updates of this rule's incidents at most this often, seconds; `nil`: the
    /// daemon's `incidents.position_update_interval_ms`. Changes of kind, severity, count or
    /// zone are sent at once.
    public var repeatIntervalSeconds: Double?

    /// Creates a rule.
    public init(
        name: String, event: RuleEvent? = nil, events: [RuleEvent]? = nil, zoneID: String? = nil, zoneKind: ZoneKind? = nil,
        classes: Set<ObjectClass>? = nil, minConf: Double = 0, afterSeconds: Double = 0, minCount: Int = 1,
        cameras: [String]? = nil, schedule: Schedule? = nil, action: Action, escalations: [Escalation] = [],
        inhibits: [String] = [], repeatIntervalSeconds: Double? = nil
    ) {
        self.name = name
        self.events = events ?? event.map { [$0] }
        self.zoneID = zoneID
        self.zoneKind = zoneKind
        self.classes = classes
        self.minConf = minConf
        self.afterSeconds = afterSeconds
        self.minCount = minCount
        self.cameras = cameras
        self.schedule = schedule
        self.action = action
        self.escalations = escalations.sorted { $0.minCount < $1.minCount }
        self.inhibits = inhibits
        self.repeatIntervalSeconds = repeatIntervalSeconds
    }

    /// Whether the rule covers `event`: it names it; or, naming no event, `event` is a target
    /// event (and not `cross`, for a suppressing rule).
    public func covers(_ event: RuleEvent) -> Bool {
        if let events { return events.contains(event) }
        return !event.isHealth && (kind != nil || event != .cross)
    }

    /// Whether the rule concerns camera events (it names only those).
    public var isHealthRule: Bool { events.map { !$0.isEmpty && $0.allSatisfy(\.isHealth) } ?? false }

    /// The kind the rule alerts with; `nil` for a suppressing rule.
    public var kind: String? {
        if case .alert(let kind, _) = action { return kind }
        return nil
    }

    /// The rule's severity for a group of `count` targets (its escalations counted); `nil` for a
    /// suppressing rule.
    public func severity(count: Int) -> Severity? {
        guard case .alert(_, var severity) = action else { return nil }
        for escalation in escalations where count >= escalation.minCount && escalation.severity > severity {
            severity = escalation.severity
        }
        return severity
    }
}
