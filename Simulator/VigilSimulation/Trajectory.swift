#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

/// Where an actor is and how it moves at one instant.
public struct MotionState: Sendable, Equatable {
    /// Metres east and north of the trajectory's origin (see ``Trajectory/plane``).
    public var position: Vector2
    /// Compass heading of the movement, degrees clockwise from north, in `0..<360`.
    public var headingDeg: Double
    /// Ground speed, m/s; 0 while the actor dwells at the end of its path.
    public var speedMps: Double
}

/// An actor's path resolved to metres and timed: it appears at ``startS``, walks the path at
/// constant speed, dwells at its end, and is gone at ``endS``.
///
/// Positions are computed in the tangent plane at the path's first point, which over the few
/// kilometres of a scenario path is exact to centimetres (see `LocalPlane`).
public struct Trajectory: Sendable {
    /// The tangent plane positions are measured in.
    public let plane: LocalPlane
    /// The path's waypoints, metres east and north of the plane's origin.
    public let points: [Vector2]
    /// Metres along the path at each waypoint.
    public let cumulative: [Double]
    /// Ground speed, m/s.
    public let speedMps: Double
    /// Scenario time at which the actor appears.
    public let startS: Double
    /// Scenario time at which it reaches the end of its path.
    public let arrivalS: Double
    /// Scenario time at which it is gone (arrival plus dwell).
    public let endS: Double
    /// Each member's offset from the path, metres east and north; one zero offset for a single actor.
    public let memberOffsets: [Vector2]
    /// The compass heading of each segment, degrees in `0..<360`.
    private let headings: [Double]

    /// Resolves `actor`'s path. `border` must be given for `cross` and `border` paths (the
    /// scenario loader has checked it); the group formation is drawn from `seed`.
    public init(actor: ActorSpec, border: BorderLine?, seed: UInt64, actorIndex: Int) {
        let geo = Self.geoPoints(of: actor.path, border: border)
        let plane = LocalPlane(origin: geo[0])
        let points = geo.map { plane.project($0) }
        self.plane = plane
        self.points = points
        var cumulative = [0.0]
        for i in points.indices.dropFirst() { cumulative.append(cumulative[i - 1] + (points[i] - points[i - 1]).length) }
        self.cumulative = cumulative
        headings = zip(points, points.dropFirst()).map { a, b in
            let heading = atan2(b.x - a.x, b.y - a.y) * 180 / .pi
            return heading < 0 ? heading + 360 : heading
        }
        speedMps = actor.speedMps
        startS = actor.startS
        arrivalS = actor.startS + cumulative[cumulative.count - 1] / actor.speedMps
        endS = arrivalS + actor.dwellS
        var random = RandomSource(seed: seed, stream: 0x4143_0000 + UInt64(actorIndex))
        memberOffsets = Self.formation(count: actor.count, spacing: actor.spreadM, random: &random)
    }

    /// The path's length, metres.
    public var length: Double { cumulative[cumulative.count - 1] }

    /// The path's waypoints in WGS84.
    static func geoPoints(of path: ActorPath, border: BorderLine?) -> [GeoPoint] {
        switch path {
        case .waypoints(let points):
            return points
        case .cross(let cross):
            guard let border, let from = border.side(named: cross.from), let to = border.side(named: cross.to) else {
                preconditionFailure("a cross path needs the border and its side names (checked by the scenario loader)")
            }
            return [
                border.point(km: cross.km, side: from, offsetM: cross.beforeM),
                border.point(km: cross.km, side: to, offsetM: cross.afterM),
            ]
        case .border(let waypoints):
            guard let border else { preconditionFailure("a border path needs the border (checked by the scenario loader)") }
            return waypoints.map { waypoint in
                guard let side = border.side(named: waypoint.side) else {
                    preconditionFailure("unknown side \(waypoint.side) (checked by the scenario loader)")
                }
                return border.point(km: waypoint.km, side: side, offsetM: waypoint.offsetM)
            }
        }
    }

    /// The length of `path` in metres.
    static func pathLength(of path: ActorPath, border: BorderLine?) -> Double {
        let geo = geoPoints(of: path, border: border)
        let plane = LocalPlane(origin: geo[0])
        var length = 0.0
        for i in geo.indices.dropFirst() { length += (plane.project(geo[i]) - plane.project(geo[i - 1])).length }
        return length
    }

    /// Members on a square grid `spacing` apart, centred on the path, each nudged by up to a
    /// quarter of `spacing` on each axis (so neighbours stay at least half a spacing apart).
    static func formation(count: Int, spacing: Double, random: inout RandomSource) -> [Vector2] {
        guard count > 1 else { return [Vector2(x: 0, y: 0)] }
        let columns = Int(Double(count).squareRoot().rounded(.up))
        let rows = (count + columns - 1) / columns
        var offsets: [Vector2] = []
        for index in 0..<count {
            let column = Double(index % columns) - Double(columns - 1) / 2
            let row = Double(index / columns) - Double(rows - 1) / 2
            offsets.append(
                Vector2(x: column * spacing + random.symmetric(spacing / 4), y: row * spacing + random.symmetric(spacing / 4)))
        }
        return offsets
    }

    /// Whether the actor is present at scenario time `t`.
    @inline(__always)
    public func isPresent(at t: Double) -> Bool { t >= startS && t < endS }

    /// The path's own position (the group's centre) at scenario time `t`, or `nil` when the
    /// actor is not present.
    public func state(at t: Double) -> MotionState? {
        guard isPresent(at: t) else { return nil }
        let travelled = min((t - startS) * speedMps, length)
        var segment = 0
        while segment + 2 < points.count && cumulative[segment + 1] < travelled { segment += 1 }
        guard points.count > 1 else { return MotionState(position: points[0], headingDeg: 0, speedMps: 0) }
        let span = cumulative[segment + 1] - cumulative[segment]
        let fraction = span > 0 ? (travelled - cumulative[segment]) / span : 0
        let a = points[segment], b = points[segment + 1]
        return MotionState(position: a + (b - a) * fraction, headingDeg: headings[segment], speedMps: t < arrivalS ? speedMps : 0)
    }

    /// The WGS84 point of a position in the trajectory's plane.
    @inline(__always)
    public func geoPoint(_ position: Vector2) -> GeoPoint { plane.unproject(position) }
}
