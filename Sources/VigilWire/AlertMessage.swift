/// One alert message about an incident (CONTRACT.md section 2), with the extension fields `rule`,
/// `stretch` and `exercise`: the one alert type of the daemon and its clients.
///
/// The engine produces it with `seq` and `emittedTs` at 0; the publisher (and a replay) stamps
/// them. ``AlertEncoder`` writes it; ``decode(_:)-(String)`` reads it strictly (a consumer that
/// converts it, to CAP say), ``PartialAlertMessage`` leniently (a scorer of a daemon under test).
public struct AlertMessage: Sendable, Equatable {
    /// The incident's lifecycle step (`state`).
    public enum State: String, Sendable, CaseIterable {
        /// The incident's first message.
        case raised
        /// Something a consumer cares about changed.
        case updated
        /// The incident's last message.
        case resolved
    }

    /// Position in the daemon's alert stream (`seq`), from 1; 0 until the publisher stamps it.
    public var seq: UInt64
    /// The incident id (`id`); every message about one incident carries it.
    public var id: String
    /// Raised, updated or resolved (`state`).
    public var state: State
    /// What happened (`kind`): `border_crossing`, `intrusion`, ..., or another name a rule chose.
    public var kind: String
    /// How urgent (`severity`).
    public var severity: Severity
    /// The targets' class (`class`).
    public var objectClass: ObjectClass
    /// Distinct targets involved so far (`count`).
    public var count: Int
    /// The sector of the camera that first saw the incident (`sector`).
    public var sector: String
    /// The zone the alert names (`zone`).
    public var zone: String
    /// Position now (`lat`).
    public var lat: Double
    /// Position now (`lon`).
    public var lon: Double
    /// For crossings: `SY->IQ` or `IQ->SY` (`direction`).
    public var direction: String?
    /// The cameras that have seen the incident, in order of first sight (`cameras`).
    public var cameras: [String]
    /// Event time of the first detection, epoch ms (`first_ts`).
    public var firstTs: Int64
    /// Event time of the latest detection, epoch ms (`last_ts`).
    public var lastTs: Int64
    /// When the daemon published the message, epoch ms (`emitted_ts`); 0 until stamped.
    public var emittedTs: Int64
    /// The name of the rule that set the kind and severity (extension field `rule`).
    public var rule: String?
    /// For a `coverage_gap`: the stretch of border no live camera covers (extension field
    /// `stretch`).
    public var stretch: AlertStretch?
    /// Whether the incident comes from simulated input or a drill (extension field `exercise`,
    /// written only when true; absent means false).
    public var exercise: Bool
    /// In a cluster: the epoch of the election that made the node that numbered this alert the
    /// active one (extension field `epoch`, absent without a cluster).
    public var epoch: Int64?

    /// Creates an alert message, stamped with `seq` and `emittedTs`.
    public init(
        seq: UInt64, id: String, state: State, kind: String, severity: Severity, objectClass: ObjectClass, count: Int,
        sector: String, zone: String, position: GeoPoint, direction: String? = nil, cameras: [String],
        firstTs: Int64, lastTs: Int64, emittedTs: Int64, rule: String? = nil, stretch: AlertStretch? = nil, exercise: Bool = false,
        epoch: Int64? = nil
    ) {
        self.seq = seq
        self.id = id
        self.state = state
        self.kind = kind
        self.severity = severity
        self.objectClass = objectClass
        self.count = count
        self.sector = sector
        self.zone = zone
        self.lat = position.lat
        self.lon = position.lon
        self.direction = direction
        self.cameras = cameras
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.emittedTs = emittedTs
        self.rule = rule
        self.stretch = stretch
        self.exercise = exercise
        self.epoch = epoch
    }

    /// The incident's position now (`lat`, `lon`).
    public var position: GeoPoint {
        get { GeoPoint(lat: lat, lon: lon) }
        set {
            lat = newValue.lat
            lon = newValue.lon
        }
    }

    /// The topic the alert is published under: `alert.<severity>.<sector>.<zone>`.
    public var topic: String { "alert.\(severity.rawValue).\(sector).\(zone)" }

    /// The message stamped with its place in the stream and its publication time.
    public func stamped(seq: UInt64, emittedTs: Int64) -> AlertMessage {
        var message = self
        message.seq = seq
        message.emittedTs = emittedTs
        return message
    }
}
