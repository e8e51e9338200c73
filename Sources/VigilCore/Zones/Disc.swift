/// A circle zone prepared for the exact test: the tangent plane at its centre, computed once.
///
/// A point is inside when its distance from the centre in the tangent plane at the centre
/// (``LocalPlane``) is at most the radius: the disc is an ellipse in degrees, with semi-axes
/// `radius / metresPerDegreeLon` and `radius / metresPerDegreeLat`. ``ZoneSet/contains(_:_:)``
/// and the zone index both call ``contains(_:)``, so they agree exactly.
struct Disc: Sendable {
    /// The plane at the centre (its origin is the centre).
    let plane: LocalPlane
    /// Radius, metres.
    let radius: Double

    init(center: GeoPoint, radius: Double) {
        plane = LocalPlane(origin: center)
        self.radius = radius
    }

    /// Whether `point` is within `radius` metres of the centre.
    @inline(__always)
    func contains(_ point: GeoPoint) -> Bool {
        // A degree of latitude is at least 110,574 m anywhere: a cheap reject that never changes
        // the answer (the exact test below would say no too).
        if abs(point.lat - plane.origin.lat) * 110_574 > radius { return false }
        return plane.project(point).length <= radius
    }

    /// The bounding box in degrees, grown by a relative 1e-6 (the disc is an ellipse in degrees).
    var box: Box {
        let halfWidth = radius / plane.metresPerDegreeLon * (1 + 1e-6), halfHeight = radius / plane.metresPerDegreeLat * (1 + 1e-6)
        let c = plane.origin
        return Box(x0: c.lon - halfWidth, y0: c.lat - halfHeight, x1: c.lon + halfWidth, y1: c.lat + halfHeight)
    }

    /// Conservative classification of `box`: `true` when every point of it is inside, `false`
    /// when none is, `nil` when the exact test is needed.
    func classify(_ box: Box) -> Bool? {
        let c = plane.origin
        let kx = plane.metresPerDegreeLon, ky = plane.metresPerDegreeLat
        let nearX = max(box.x0 - c.lon, 0, c.lon - box.x1) * kx, nearY = max(box.y0 - c.lat, 0, c.lat - box.y1) * ky
        let farX = max(abs(box.x0 - c.lon), abs(box.x1 - c.lon)) * kx, farY = max(abs(box.y0 - c.lat), abs(box.y1 - c.lat)) * ky
        let near = (nearX * nearX + nearY * nearY).squareRoot(), far = (farX * farX + farY * farY).squareRoot()
        let slack = radius * 1e-9 + 1e-6
        if far <= radius - slack { return true }
        if near > radius + slack { return false }
        return nil
    }
}
