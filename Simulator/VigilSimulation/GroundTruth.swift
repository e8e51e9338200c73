import VigilCore

/// One thing that truly happened in a run and that the daemon should alert on: a border
/// crossing by one actor (the centre of a group), or a zone event the rules turn into an alert
/// (an entry into a restricted area, a dwell in the strip, loitering), with its event time on the
/// same time base as the `ts` the simulator sends. See ``TruthRules`` for how the rules decide
/// kind, severity and whether the event is expected.
public struct TrueEvent: Sendable, Equatable {
    /// Whether the daemon should tell of an event.
    public enum Expectation: String, Sendable, Equatable {
        /// An alert of the event's kind must tell of it.
        case expected
        /// The actor's incident already told of its kind, or of a severity at least as high, so
        /// an incident may or may not tell of it: neither telling nor keeping quiet is an error.
        case hidden
        /// The rules suppress it, or no alert rule matches it (animals): no alert must tell of it.
        case silent
    }

    /// The alert kind the event should raise (`border_crossing`, `intrusion`, ...).
    public var kind: String
    /// The actor's id in the scenario.
    public var actorID: String
    /// The actor's class, as the cameras report it.
    public var objectClass: ObjectClass
    /// Members in the actor (1 for a single target): the `count` its incident should report.
    public var count: Int
    /// For crossings, `SY->IQ`: the side names of the border zone, from and to; `nil` otherwise.
    public var direction: String?
    /// Kilometres along the border at the event (at the crossing, or the nearest point of the line;
    /// 0 when the line is further than 10 km or unknown).
    public var km: Double
    /// Where it happened (the centre of a group): the crossing point, the entry point, or where
    /// the actor stands when a dwell or loitering begins.
    public var position: GeoPoint
    /// Scenario time of the event, seconds since the first pass began.
    public var scenarioTime: Double
    /// Event time, Unix ms: `epochMs + floor(scenarioTime · 1000)`, as for a frame's `ts`.
    public var eventTimeMs: Int64
    /// The zone the event concerns: `nil` for crossings.
    public var zoneID: String?
    /// The severity the rules give it; `nil` when no rules are known.
    public var severity: Severity?
    /// Whether an alert should tell of it.
    public var expectation: Expectation

    /// The kind of a border crossing, as alerts name it.
    public static let borderCrossing = "border_crossing"

    /// Creates an event.
    public init(
        kind: String = TrueEvent.borderCrossing, actorID: String, objectClass: ObjectClass, count: Int = 1, direction: String?,
        km: Double, position: GeoPoint, scenarioTime: Double, eventTimeMs: Int64, zoneID: String? = nil, severity: Severity? = nil,
        expectation: Expectation = .expected
    ) {
        self.kind = kind
        self.actorID = actorID
        self.objectClass = objectClass
        self.count = count
        self.direction = direction
        self.km = km
        self.position = position
        self.scenarioTime = scenarioTime
        self.eventTimeMs = eventTimeMs
        self.zoneID = zoneID
        self.severity = severity
        self.expectation = expectation
    }

    /// `p1 (person) SY->IQ at km 558.0, t=42.0s`; `p2 (3 × person) intrusion in
    /// restricted-rabia-crossing at km 556.1, t=30.0s`.
    public var summary: String {
        let who = count == 1 ? objectClass.rawValue : "\(count) × \(objectClass.rawValue)"
        let what = direction ?? "\(kind)\(zoneID.map { " in \($0)" } ?? "")"
        return "\(actorID) (\(who)) \(what) at km \(Format.fixed(km, 1)), t=\(Format.fixed(scenarioTime, 1))s"
    }
}

/// What truly happened in a run: the events alerts are scored against, in time order.
public struct GroundTruth: Sendable, Equatable {
    /// The events that must raise an alert (expected) or must not (silent), in event-time order.
    public var events: [TrueEvent]
    /// The events an incident may tell or not (``TrueEvent/Expectation/hidden``), in event-time order.
    public var hidden: [TrueEvent]
    /// The kinds the rules can raise, scored even when no event of theirs happened (so an alert
    /// of such a kind with no truth behind it is false, not merely of another kind).
    public var alertKinds: [String]

    /// Creates ground truth from events, hidden ones put apart (each sorted by event time), and
    /// the kinds the rules can raise.
    public init(events: [TrueEvent], alertKinds: [String] = []) {
        let sorted = events.sorted { $0.eventTimeMs < $1.eventTimeMs }
        self.events = sorted.filter { $0.expectation != .hidden }
        hidden = sorted.filter { $0.expectation == .hidden }
        self.alertKinds = alertKinds
    }

    /// The events of `kind`, hidden ones included, in event-time order.
    public func events(ofKind kind: String) -> [TrueEvent] {
        (events + hidden).filter { $0.kind == kind }.sorted { $0.eventTimeMs < $1.eventTimeMs }
    }

    /// The kinds that are scored: those with events (hidden ones included) and those the rules
    /// can raise, sorted.
    public var kinds: [String] { Array(Set((events + hidden).map(\.kind) + alertKinds)).sorted() }
}

extension Simulator {
    /// The true events of the frames generated so far: every event of every pass played, up to
    /// and including the scenario time of the last frame ``next()`` returned (all of one pass once
    /// it has been played to its end).
    public var groundTruth: GroundTruth { groundTruth(throughScenarioTime: playedUntil) }

    /// The true events up to scenario time `limit` (passes repeat every ``duration`` seconds when
    /// the simulator loops), with event times on this simulator's ``epochMs``.
    public func groundTruth(throughScenarioTime limit: Double) -> GroundTruth {
        var truth: [TrueEvent] = []
        var pass = 0
        while true {
            let offset = Double(pass) * duration
            guard offset <= limit, pass == 0 || loops else { break }
            for event in passTruth where event.scenarioTime + offset <= limit {
                var event = event
                event.scenarioTime += offset
                event.eventTimeMs = epochMs + Int64((event.scenarioTime * 1000).rounded(.down))
                truth.append(event)
            }
            pass += 1
        }
        return GroundTruth(events: truth, alertKinds: alertKinds)
    }
}
