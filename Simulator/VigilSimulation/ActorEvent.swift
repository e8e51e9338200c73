import VigilCore

/// Something an actor does that a person watching a run wants to know about: it appears, it
/// crosses the border, it is gone. The ground truth against which the daemon's alerts are judged.
public struct ActorEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// The actor appeared.
        case appeared
        /// The actor (the centre of a group) crossed the border, from one named side to the other, at `km`.
        case crossed(from: String, to: String, km: Double)
        /// The actor is gone (picked up, or out of sight).
        case gone
    }

    /// Scenario time, seconds.
    public var time: Double
    /// The actor's id.
    public var actorID: String
    /// What happened.
    public var kind: Kind
    /// Where (the centre of a group).
    public var position: GeoPoint
    /// A line for people, without the time: `p1 crossed SY->IQ at km 558.0`.
    public var summary: String

    /// `t=42.0s p1 crossed SY->IQ at km 558.0`, with the time shifted by `offset` seconds.
    public func line(offset: Double = 0) -> String {
        "t=\(Format.fixed(time + offset, 1))s \(summary)"
    }
}

extension Trajectory {
    /// The events of `actor` along this trajectory, in time order.
    public func events(of actor: ActorSpec, border: BorderLine?) -> [ActorEvent] {
        let what = actor.count == 1 ? "1 \(actor.objectClass.rawValue)" : "\(actor.count) × \(actor.objectClass.rawValue)"
        var events: [ActorEvent] = []
        let first = geoPoint(points[0])
        events.append(
            ActorEvent(
                time: startS, actorID: actor.id, kind: .appeared, position: first,
                summary: "\(actor.id) appeared (\(what)) \(Self.describe(first, border))"))
        if let border {
            for segment in points.indices.dropLast() {
                let a = geoPoint(points[segment]), b = geoPoint(points[segment + 1])
                guard let crossing = border.line.crossing(from: a, to: b),
                    let sideA = border.line.proximity(of: a)?.side
                else { continue }
                // Bisect for the moment the side changes.
                var low = 0.0, high = 1.0
                for _ in 0..<40 {
                    let middle = (low + high) / 2
                    let p = geoPoint(points[segment] + (points[segment + 1] - points[segment]) * middle)
                    if border.line.proximity(of: p)?.side == sideA { low = middle } else { high = middle }
                }
                let metres = cumulative[segment] + high * (cumulative[segment + 1] - cumulative[segment])
                let from = border.sides.name(of: crossing.from), to = border.sides.name(of: crossing.to)
                events.append(
                    ActorEvent(
                        time: startS + metres / speedMps, actorID: actor.id,
                        kind: .crossed(from: from, to: to, km: crossing.along / 1000),
                        position: geoPoint(points[segment] + (points[segment + 1] - points[segment]) * high),
                        summary: "\(actor.id) crossed \(from)->\(to) at km \(Format.fixed(crossing.along / 1000, 1))"))
            }
        }
        let last = geoPoint(points[points.count - 1])
        events.append(
            ActorEvent(time: endS, actorID: actor.id, kind: .gone, position: last, summary: "\(actor.id) gone \(Self.describe(last, border))"))
        return events
    }

    private static func describe(_ point: GeoPoint, _ border: BorderLine?) -> String {
        let at = "at \(Format.fixed(point.lat, 6)),\(Format.fixed(point.lon, 6))"
        guard let place = border?.locate(point) else { return at }
        return "\(at), \(Format.fixed(place.distanceM, 0)) m on the \(place.side) side at km \(Format.fixed(place.km, 1))"
    }
}
