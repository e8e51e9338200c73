import VigilCore

/// One thing that truly happened in a run and that the daemon should alert on: today a border
/// crossing by one actor (the centre of a group), with its event time on the same time base as
/// the `ts` the simulator sends.
public struct TrueEvent: Sendable, Equatable {
    /// The alert kind the event should raise (`border_crossing`).
    public var kind: String
    /// The actor's id in the scenario.
    public var actorID: String
    /// The actor's class, as the cameras report it.
    public var objectClass: ObjectClass
    /// Members in the actor (1 for a single target).
    public var count: Int
    /// `SY->IQ`: the side names of the border zone, from and to.
    public var direction: String
    /// Kilometres along the border at the crossing.
    public var km: Double
    /// The crossing point (the centre of a group).
    public var position: GeoPoint
    /// Scenario time of the event, seconds since the first pass began.
    public var scenarioTime: Double
    /// Event time, Unix ms: `epochMs + floor(scenarioTime · 1000)`, as for a frame's `ts`.
    public var eventTimeMs: Int64

    /// The kind of a border crossing, as alerts name it.
    public static let borderCrossing = "border_crossing"

    /// Creates an event.
    public init(
        kind: String = TrueEvent.borderCrossing, actorID: String, objectClass: ObjectClass, count: Int = 1, direction: String,
        km: Double, position: GeoPoint, scenarioTime: Double, eventTimeMs: Int64
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
    }

    /// `p1 (person) SY->IQ at km 558.0, t=42.0s`.
    public var summary: String {
        "\(actorID) (\(objectClass.rawValue)) \(direction) at km \(Format.fixed(km, 1)), t=\(Format.fixed(scenarioTime, 1))s"
    }
}

/// What truly happened in a run: the events alerts are scored against, in time order.
public struct GroundTruth: Sendable, Equatable {
    /// The events, in event-time order.
    public var events: [TrueEvent]

    /// Creates ground truth from events (sorted by event time).
    public init(events: [TrueEvent]) {
        self.events = events.sorted { $0.eventTimeMs < $1.eventTimeMs }
    }

    /// The events of `kind`.
    public func events(ofKind kind: String) -> [TrueEvent] { events.filter { $0.kind == kind } }

    /// The kinds that have ground truth, sorted.
    public var kinds: [String] { Array(Set(events.map(\.kind))).sorted() }
}

extension Simulator {
    /// The true events of the frames generated so far: every crossing of every pass played, up to
    /// and including the scenario time of the last frame ``next()`` returned (all of one pass once
    /// it has been played to its end).
    public var groundTruth: GroundTruth { groundTruth(throughScenarioTime: playedUntil) }

    /// The true events up to scenario time `limit` (passes repeat every ``duration`` seconds when
    /// the simulator loops), with event times on this simulator's ``epochMs``.
    public func groundTruth(throughScenarioTime limit: Double) -> GroundTruth {
        let classes = Dictionary(scenario.actors.map { ($0.id, ($0.objectClass, $0.count)) }, uniquingKeysWith: { first, _ in first })
        var truth: [TrueEvent] = []
        var pass = 0
        while true {
            let offset = Double(pass) * duration
            guard offset <= limit, pass == 0 || loops else { break }
            for event in events where event.time + offset <= limit {
                guard case .crossed(let from, let to, let km) = event.kind else { continue }
                let (objectClass, count) = classes[event.actorID] ?? (.unknown, 1)
                let time = event.time + offset
                truth.append(
                    TrueEvent(
                        actorID: event.actorID, objectClass: objectClass, count: count, direction: "\(from)->\(to)", km: km,
                        position: event.position, scenarioTime: time, eventTimeMs: epochMs + Int64((time * 1000).rounded(.down))))
            }
            pass += 1
        }
        return GroundTruth(events: truth)
    }
}
