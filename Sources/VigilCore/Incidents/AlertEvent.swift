/// One alert message about an incident, as the engine produced it: everything of CONTRACT.md
/// section 2 except `seq` and `emitted_ts`, which the publisher stamps.
public struct AlertEvent: Sendable, Equatable {
    /// The incident's lifecycle step.
    public enum State: String, Sendable {
        /// The incident's first message.
        case raised
        /// Something a consumer cares about changed.
        case updated
        /// The incident's last message.
        case resolved
    }

    /// The incident id; every message about one incident carries it.
    public var id: String
    /// Raised, updated or resolved.
    public var state: State
    /// What happened (`border_crossing`, `intrusion`, ...).
    public var kind: String
    /// How urgent.
    public var severity: Severity
    /// The targets' class.
    public var objectClass: ObjectClass
    /// Distinct targets involved so far.
    public var count: Int
    /// The sector of the camera that first saw the incident.
    public var sector: String
    /// The zone the alert names.
    public var zone: String
    /// Position now.
    public var lat: Double
    /// Position now.
    public var lon: Double
    /// For crossings: `SY->IQ` or `IQ->SY`.
    public var direction: String?
    /// The cameras that have seen the incident, in order of first sight.
    public var cameras: [String]
    /// Event time of the first detection.
    public var firstTs: Int64
    /// Event time of the latest detection.
    public var lastTs: Int64
    /// The name of the rule that set the kind and severity (an extension field, `rule`).
    public var rule: String?
    /// For a `coverage_gap`: the stretch of border no live camera covers (extension field
    /// `stretch`); its line is the alert's `zone`.
    public var stretch: CoverageStretch?
    /// Whether the incident comes from simulated input or a drill (extension field `exercise`,
    /// written only when true).
    public var exercise: Bool

    /// Creates an alert event.
    public init(
        id: String, state: State, kind: String, severity: Severity, objectClass: ObjectClass, count: Int,
        sector: String, zone: String, lat: Double, lon: Double, direction: String?, cameras: [String],
        firstTs: Int64, lastTs: Int64, rule: String? = nil, stretch: CoverageStretch? = nil, exercise: Bool = false
    ) {
        self.id = id
        self.state = state
        self.kind = kind
        self.severity = severity
        self.objectClass = objectClass
        self.count = count
        self.sector = sector
        self.zone = zone
        self.lat = lat
        self.lon = lon
        self.direction = direction
        self.cameras = cameras
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.rule = rule
        self.stretch = stretch
        self.exercise = exercise
    }

    /// The topic the alert is published under: `alert.<severity>.<sector>.<zone>`.
    public var topic: String { "alert.\(severity.rawValue).\(sector).\(zone)" }
}
