#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a camera sees, in the local plane centred on it (``LocalPlane``, metres east and north):
/// the disc of its range intersected with the wedge of its field of view. It is the set of
/// points ``Camera/sees(_:)`` accepts, measured the same way (distance and bearing in the
/// tangent plane at the camera).
///
/// A segment of a border line is `X(t) = a + t·d`, `0 ≤ t ≤ 1`, with `a` its first end relative to
/// the camera and `d` the segment. Segments are straight in longitude and latitude, hence in the
/// plane (a scaling of each axis), and `t` is the same in both, so a part of the segment found here
/// converts directly to km along the line.
///
/// - The disc `|X(t)| ≤ r`: the foot of the perpendicular from the camera is at
///   `t₀ = −(a·d)/(d·d)`, at distance `p = |X(t₀)|`; by Pythagoras the line is inside the disc while
///   `|t − t₀|·|d| ≤ √(r² − p²)`: one interval of `t`, none when `p > r`.
/// - A half-plane through the camera `n·X ≥ 0` is `n·a + t·(n·d) ≥ 0`: linear in `t`, a bound
///   from below or above, or all or nothing when the segment runs parallel to its edge.
/// - The wedge: the direction of compass bearing `β` is `u(β) = (sin β, cos β)`. The field of view
///   spans bearings `θ − α … θ + α` (heading `θ`, `α` half the field of view, bearings growing
///   clockwise). Its left edge (bearing `θ − α`) has the wedge on its clockwise side, the
///   half-plane with normal `u(θ − α + 90°)`; its right edge (`θ + α`) has it on its
///   counter-clockwise side, normal `u(θ + α − 90°)`. Up to 180° the wedge is convex: the
///   intersection of the two half-planes (at exactly 180° they coincide). Beyond 180°, its
///   complement is a convex wedge, the intersection of the complements, so the wedge is the union
///   of the two half-planes. At 360° it is the whole plane.
struct CameraSector {
    /// The field of view as half-planes `{X : n·X ≥ 0}` through the camera, given by their normals.
    enum Wedge {
        /// A field of view of 360°: every direction.
        case whole
        /// Up to 180°: inside both half-planes.
        case both(Vector2, Vector2)
        /// Over 180°: inside either half-plane.
        case either(Vector2, Vector2)
    }

    /// The range, metres.
    let range: Double
    /// The field of view.
    let wedge: Wedge

    /// ``Camera/sees(_:)`` takes everything closer than 1 m as seen (a bearing means nothing
    /// there), and so does the sector.
    static let nearRadius = 1.0

    /// The sector of `camera` (whose field of view is positive, as the configuration requires).
    init(_ camera: Camera) {
        range = camera.rangeM
        let half = camera.fovDeg / 2
        func direction(_ bearingDeg: Double) -> Vector2 {
            let radians = bearingDeg * .pi / 180
            return Vector2(x: sin(radians), y: cos(radians))
        }
        let left = direction(camera.headingDeg - half + 90), right = direction(camera.headingDeg + half - 90)
        if camera.fovDeg >= 360 {
            wedge = .whole
        } else if half <= 90 {
            wedge = .both(left, right)
        } else {
            wedge = .either(left, right)
        }
    }

    /// The parts of the segment `a + t·d`, `0 ≤ t ≤ 1` (camera at the origin), inside the sector:
    /// up to three intervals of `t` of positive length, in no particular order, possibly
    /// overlapping (the caller merges them).
    func intervals(a: Vector2, d: Vector2) -> [ParameterInterval] {
        let disc = Self.disc(radius: range, a: a, d: d).intersection(.segment)
        var parts: [ParameterInterval]
        switch wedge {
        case .whole:
            parts = [disc]
        case .both(let left, let right):
            parts = [disc.intersection(Self.halfPlane(left, a: a, d: d)).intersection(Self.halfPlane(right, a: a, d: d))]
        case .either(let left, let right):
            parts = [disc.intersection(Self.halfPlane(left, a: a, d: d)), disc.intersection(Self.halfPlane(right, a: a, d: d))]
        }
        parts.append(Self.disc(radius: min(Self.nearRadius, range), a: a, d: d).intersection(.segment))
        return parts.filter { !$0.isEmpty }
    }

    /// The `t` where `|a + t·d| ≤ radius` (`d` not zero).
    static func disc(radius: Double, a: Vector2, d: Vector2) -> ParameterInterval {
        let lengthSquared = d.dot(d)
        let foot = -a.dot(d) / lengthSquared
        let perpendicular = a + d * foot
        let halfChordSquared = radius * radius - perpendicular.dot(perpendicular)
        guard halfChordSquared >= 0 else { return .none }
        let half = (halfChordSquared / lengthSquared).squareRoot()
        return ParameterInterval(lower: foot - half, upper: foot + half)
    }

    /// The `t` where `n·(a + t·d) ≥ 0`.
    static func halfPlane(_ n: Vector2, a: Vector2, d: Vector2) -> ParameterInterval {
        let start = n.dot(a), rate = n.dot(d)
        if rate > 0 { return ParameterInterval(lower: -start / rate, upper: .infinity) }
        if rate < 0 { return ParameterInterval(lower: -.infinity, upper: -start / rate) }
        return start >= 0 ? .all : .none
    }
}

/// A closed interval of a segment's parameter `t`; it has no length when `lower >= upper`.
struct ParameterInterval: Equatable {
    /// The smallest `t`.
    var lower: Double
    /// The largest `t`.
    var upper: Double

    /// Every `t`.
    static let all = ParameterInterval(lower: -.infinity, upper: .infinity)
    /// No `t`.
    static let none = ParameterInterval(lower: .infinity, upper: -.infinity)
    /// The segment itself, `0…1`.
    static let segment = ParameterInterval(lower: 0, upper: 1)

    /// Whether the interval has no length (a single point covers nothing).
    var isEmpty: Bool { !(lower < upper) }

    /// The `t` in both intervals.
    func intersection(_ other: ParameterInterval) -> ParameterInterval {
        ParameterInterval(lower: max(lower, other.lower), upper: min(upper, other.upper))
    }
}
