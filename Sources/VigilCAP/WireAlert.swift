/// An alert message as vigild publishes it (CONTRACT.md section 2), with the extension fields
/// `rule`, `exercise` and `stretch`. Read one with `WireAlert.decode(_:)`.
public struct WireAlert: Sendable, Equatable {
    /// The incident's lifecycle step (`state`).
    public enum State: String, Sendable, CaseIterable {
        /// The incident's first message.
        case raised
        /// Something a consumer cares about changed.
        case updated
        /// The incident's last message.
        case resolved
    }

    /// How urgent (`severity`), highest first.
    public enum Severity: String, Sendable, CaseIterable {
        /// The highest.
        case critical
        /// Second.
        case high
        /// Third.
        case medium
        /// The lowest.
        case low
    }

    /// The stretch of border a `coverage_gap` alert names (`stretch`).
    public struct Stretch: Sendable, Equatable {
        /// The border zone's id (`border`).
        public var border: String
        /// Where the stretch starts, km along the border line (`from_km`).
        public var fromKm: Double
        /// Where it ends, km along the border line (`to_km`).
        public var toKm: Double
        /// Its length along the border, km (`km`; when absent, `to_km - from_km`).
        public var km: Double
        /// Its first end (`from`, `[lat, lon]`).
        public var from: GeoCoordinate
        /// Its other end (`to`, `[lat, lon]`).
        public var to: GeoCoordinate

        /// A stretch.
        public init(border: String, fromKm: Double, toKm: Double, km: Double? = nil, from: GeoCoordinate, to: GeoCoordinate) {
            self.border = border
            self.fromKm = fromKm
            self.toKm = toKm
            self.km = km ?? abs(toKm - fromKm)
            self.from = from
            self.to = to
        }
    }

    /// The payload version (`v`); only 1 exists.
    public var version: Int
    /// Position in the daemon's alert stream (`seq`).
    public var seq: UInt64
    /// The incident (`id`).
    public var id: String
    /// Raised, updated or resolved (`state`).
    public var state: State
    /// What happened (`kind`): `border_crossing`, `intrusion`, `loitering`, `camera_offline`,
    /// `coverage_gap`, or another name a rule chose.
    public var kind: String
    /// How urgent (`severity`).
    public var severity: Severity
    /// The targets' class (`class`): `person`, `vehicle`, `animal`, `unknown`.
    public var objectClass: String
    /// Distinct targets involved so far (`count`).
    public var count: Int
    /// The sector of the camera that first saw the incident (`sector`).
    public var sector: String
    /// The zone the alert names (`zone`).
    public var zone: String
    /// The incident's position now (`lat`, `lon`).
    public var position: GeoCoordinate
    /// For crossings: `SY->IQ` or `IQ->SY` (`direction`).
    public var direction: String?
    /// The cameras that have seen the incident, in order of first sight (`cameras`).
    public var cameras: [String]
    /// Event time of the first detection, ms since 1970 UTC (`first_ts`).
    public var firstTs: Int64
    /// Event time of the latest detection, ms since 1970 UTC (`last_ts`).
    public var lastTs: Int64
    /// When the daemon published the message, ms since 1970 UTC (`emitted_ts`).
    public var emittedTs: Int64
    /// The rule that set the kind and severity (`rule`; absent in older messages).
    public var rule: String?
    /// Whether the alert comes from simulated input or a drill (`exercise`; absent means false).
    public var exercise: Bool
    /// For a `coverage_gap`: the stretch of border no live camera covers (`stretch`).
    public var stretch: Stretch?

    /// An alert message.
    public init(
        version: Int = 1, seq: UInt64, id: String, state: State, kind: String, severity: Severity, objectClass: String,
        count: Int, sector: String, zone: String, position: GeoCoordinate, direction: String? = nil, cameras: [String],
        firstTs: Int64, lastTs: Int64, emittedTs: Int64, rule: String? = nil, exercise: Bool = false, stretch: Stretch? = nil
    ) {
        self.version = version
        self.seq = seq
        self.id = id
        self.state = state
        self.kind = kind
        self.severity = severity
        self.objectClass = objectClass
        self.count = count
        self.sector = sector
        self.zone = zone
        self.position = position
        self.direction = direction
        self.cameras = cameras
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.emittedTs = emittedTs
        self.rule = rule
        self.exercise = exercise
        self.stretch = stretch
    }

    /// The topic vigild publishes the message under: `alert.<severity>.<sector>.<zone>`.
    public var topic: String { "alert.\(severity.rawValue).\(sector).\(zone)" }
}
