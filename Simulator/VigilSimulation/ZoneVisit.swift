import VigilCore

/// One stay of an actor inside one area zone (not a line, not a mask): ground truth for the
/// rules that look at zones (`enter`, `dwell`, `loiter`).
///
/// **Entry rule.** The actor's true path (the centre of a group, without noise) enters a zone
/// when it goes from outside to inside, as `ZoneSet` classifies it (the index the daemon uses),
/// and leaves it when it goes from inside to outside, or when the actor is gone. A point inside
/// a `mask` zone counts as inside no zone: the daemon drops every detection there before it looks
/// at zones. An actor that *appears* inside a zone enters it at the moment it appears: the daemon
/// cannot tell someone who walked in unseen from someone who stood up inside, and counts both as
/// inside once it has seen them for the zone's inertia.
///
/// The path is sampled at least every 0.1 s and every metre; each change of a zone's membership
/// between two samples is then bisected to 1 ms, so entry and exit times are exact to well within
/// 0.1 s. A zone entered and left between two samples (less than a metre of path) is missed.
public struct ZoneVisit: Sendable, Equatable {
    /// The actor's id.
    public var actorID: String
    /// The zone's id.
    public var zoneID: String
    /// The zone's kind.
    public var zoneKind: ZoneKind
    /// The zone's `loitering_s`, if it has one.
    public var loiteringS: Double?
    /// Scenario time of the entry, seconds into the pass.
    public var enteredS: Double
    /// Scenario time at which the actor left the zone or was gone.
    public var leftS: Double
    /// Where the path entered the zone (where the actor appeared, if it appeared inside).
    public var entryPosition: GeoPoint
    /// Whether the actor appeared inside the zone rather than walked in.
    public var appearedInside: Bool

    /// Creates a visit.
    public init(
        actorID: String, zoneID: String, zoneKind: ZoneKind, loiteringS: Double? = nil, enteredS: Double, leftS: Double,
        entryPosition: GeoPoint, appearedInside: Bool = false
    ) {
        self.actorID = actorID
        self.zoneID = zoneID
        self.zoneKind = zoneKind
        self.loiteringS = loiteringS
        self.enteredS = enteredS
        self.leftS = leftS
        self.entryPosition = entryPosition
        self.appearedInside = appearedInside
    }

    /// Whether the actor is inside at scenario time `t` (into the pass).
    public func contains(_ t: Double) -> Bool { t >= enteredS && t < leftS }

    /// `t=42.1s p1 entered restricted-rabia-crossing (restricted) at 36.831031,42.110861`, with
    /// the time shifted by `offset` seconds.
    public func line(offset: Double = 0) -> String {
        "t=\(Format.fixed(enteredS + offset, 1))s \(actorID) \(appearedInside ? "appeared in" : "entered") \(zoneID) (\(zoneKind.rawValue)) "
            + "at \(Format.fixed(entryPosition.lat, 6)),\(Format.fixed(entryPosition.lon, 6))"
    }
}

extension Trajectory {
    /// The most time between two samples of the path, seconds.
    static let zoneSampleS = 0.1
    /// The most path between two samples, metres.
    static let zoneSampleM = 1.0

    /// The path's own position (the group's centre) at scenario time `t`, clamped to the path:
    /// its first point before ``startS``, its last from ``arrivalS`` on.
    public func pathPoint(at t: Double) -> GeoPoint {
        let travelled = min(max((t - startS) * speedMps, 0), length)
        guard points.count > 1 else { return geoPoint(points[0]) }
        var segment = 0
        while segment + 2 < points.count && cumulative[segment + 1] < travelled { segment += 1 }
        let span = cumulative[segment + 1] - cumulative[segment]
        let fraction = span > 0 ? (travelled - cumulative[segment]) / span : 0
        return geoPoint(points[segment] + (points[segment + 1] - points[segment]) * fraction)
    }

    /// Every stay of `actor` inside an area zone of `zones` along this trajectory, in order of
    /// entry (see ``ZoneVisit`` for the rule).
    public func zoneVisits(of actor: ActorSpec, zones: ZoneSet) -> [ZoneVisit] {
        func inside(_ t: Double) -> [Int] {
            let point = pathPoint(at: t)
            return zones.isMasked(point) ? [] : Array(zones.classify(point))
        }
        func isInside(_ zone: Int, _ t: Double) -> Bool {
            let point = pathPoint(at: t)
            return !zones.isMasked(point) && ZoneSet.contains(zones.zones[zone].shape, point)
        }
        /// The first time in `(low, high]` at which zone membership equals its value at `high`.
        func bisect(_ zone: Int, _ low: Double, _ high: Double) -> Double {
            let target = isInside(zone, high)
            var low = low, high = high
            while high - low > 0.000_5 {
                let middle = (low + high) / 2
                if isInside(zone, middle) == target { high = middle } else { low = middle }
            }
            return high
        }

        var visits: [ZoneVisit] = []
        var open: [Int: Int] = [:]  // zone index → index in visits
        func enter(_ zone: Int, at t: Double, appeared: Bool) {
            let definition = zones.zones[zone]
            open[zone] = visits.count
            visits.append(
                ZoneVisit(
                    actorID: actor.id, zoneID: definition.id, zoneKind: definition.kind, loiteringS: definition.loiteringSeconds,
                    enteredS: t, leftS: endS, entryPosition: pathPoint(at: t), appearedInside: appeared))
        }

        var previous = inside(startS)
        for zone in previous { enter(zone, at: startS, appeared: true) }
        let step = min(Self.zoneSampleS, Self.zoneSampleM / speedMps)
        let samples = arrivalS > startS ? Int(((arrivalS - startS) / step).rounded(.up)) : 0
        var before = startS
        for k in stride(from: 1, through: samples, by: 1) {
            let t = min(startS + Double(k) * step, arrivalS)
            let current = inside(t)
            for zone in current where !previous.contains(zone) { enter(zone, at: bisect(zone, before, t), appeared: false) }
            for zone in previous where !current.contains(zone) {
                if let index = open.removeValue(forKey: zone) { visits[index].leftS = bisect(zone, before, t) }
            }
            previous = current
            before = t
        }
        return visits.sorted { $0.enteredS < $1.enteredS }
    }
}
