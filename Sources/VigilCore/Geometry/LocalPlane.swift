#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local tangent plane: metres east (`x`) and north (`y`) of an origin on the WGS84 ellipsoid.
///
/// Vigil measures in metres, never in degrees. Around an origin at latitude φ, one degree of
/// latitude is `M(φ)·π/180` metres and one degree of longitude is `N(φ)·cos φ·π/180` metres, with
/// `M` and `N` the ellipsoid's meridional and prime-vertical radii of curvature. It is a positive
/// scaling of each axis, so lines straight in degrees are straight in it and orientations keep
/// their sign. The plane is built anew around each query point (or circle centre), so it is only
/// used over short distances. Against WGS84 geodesics at 33–37.5°N it measures long by at most
/// 0.2 mm at 100 m, 2.3 cm at 1 km, 0.57 m at 5 km, 2.3 m at 10 km (0.023 %) and 232 m at
/// 100 km: the error grows with the square of the distance (`docs/geometry.md`, section 3).
public struct LocalPlane: Sendable {
    /// The origin.
    public let origin: GeoPoint
    /// Metres per degree of longitude at the origin.
    public let metresPerDegreeLon: Double
    /// Metres per degree of latitude at the origin.
    public let metresPerDegreeLat: Double

    /// WGS84 semi-major axis, metres.
    public static let semiMajorAxis = 6_378_137.0
    /// WGS84 first eccentricity squared.
    public static let eccentricitySquared = 0.006_694_379_990_141_317

    /// Creates the plane tangent at `origin`.
    @inlinable
    public init(origin: GeoPoint) {
        self.origin = origin
        let phi = origin.lat * .pi / 180
        let sinPhi = sin(phi)
        let w = 1 - Self.eccentricitySquared * sinPhi * sinPhi
        let n = Self.semiMajorAxis / w.squareRoot()
        let m = Self.semiMajorAxis * (1 - Self.eccentricitySquared) / (w * w.squareRoot())
        metresPerDegreeLat = m * .pi / 180
        metresPerDegreeLon = n * cos(phi) * .pi / 180
    }

    /// `point` in metres east and north of the origin.
    @inlinable
    public func project(_ point: GeoPoint) -> Vector2 {
        Vector2(x: (point.lon - origin.lon) * metresPerDegreeLon, y: (point.lat - origin.lat) * metresPerDegreeLat)
    }

    /// The point `vector` metres east and north of the origin.
    @inlinable
    public func unproject(_ vector: Vector2) -> GeoPoint {
        GeoPoint(lat: origin.lat + vector.y / metresPerDegreeLat, lon: origin.lon + vector.x / metresPerDegreeLon)
    }
}

/// A 2-D vector in metres.
public struct Vector2: Sendable, Equatable {
    /// Metres east.
    public var x: Double
    /// Metres north.
    public var y: Double

    /// Creates a vector.
    @inlinable
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Euclidean length.
    @inlinable
    public var length: Double { (x * x + y * y).squareRoot() }

    /// Component-wise difference.
    @inlinable
    public static func - (lhs: Vector2, rhs: Vector2) -> Vector2 { Vector2(x: lhs.x - rhs.x, y: lhs.y - rhs.y) }

    /// Component-wise sum.
    @inlinable
    public static func + (lhs: Vector2, rhs: Vector2) -> Vector2 { Vector2(x: lhs.x + rhs.x, y: lhs.y + rhs.y) }

    /// Scaling.
    @inlinable
    public static func * (lhs: Vector2, rhs: Double) -> Vector2 { Vector2(x: lhs.x * rhs, y: lhs.y * rhs) }

    /// Dot product.
    @inlinable
    public func dot(_ other: Vector2) -> Double { x * other.x + y * other.y }

    /// The z component of the cross product: positive when `other` turns left of `self`.
    @inlinable
    public func cross(_ other: Vector2) -> Double { x * other.y - y * other.x }
}

extension GeoPoint {
    /// Distance in metres to `other`, in the tangent plane at `self` (for distances up to a few km).
    @inlinable
    public func distance(to other: GeoPoint) -> Double {
        LocalPlane(origin: self).project(other).length
    }

    /// Compass bearing in degrees (0 north, clockwise) from `self` to `other`, in the tangent plane.
    @inlinable
    public func bearing(to other: GeoPoint) -> Double {
        let v = LocalPlane(origin: self).project(other)
        let degrees = atan2(v.x, v.y) * 180 / .pi
        return degrees < 0 ? degrees + 360 : degrees
    }
}
