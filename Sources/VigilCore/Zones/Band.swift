/// A band zone: the points within `width` metres of a line, on both sides or on one.
///
/// A point is inside when ``Polyline/proximity(of:)`` finds the line within `width` metres of it
/// (distance in the tangent plane at the point, so the error depends on the width, never on the
/// length of the line) and, for a one-sided band, on that side. ``ZoneSet/contains(_:_:)`` and
/// the zone index both call ``contains(_:)``, so they agree exactly; the index only spares the
/// call where a whole cell is provably inside or outside (``ZoneIndexBuilder``).
struct Band: Sendable {
    let line: Polyline
    let width: Double
    let side: LineSide?

    /// Whether `point` is in the band.
    @inline(__always)
    func contains(_ point: GeoPoint) -> Bool {
        guard let proximity = line.proximity(of: point), proximity.distance <= width else { return false }
        return side == nil || proximity.side == side
    }

    /// How far the band reaches: the smaller of its width and its line's reach, metres.
    var effectiveWidth: Double { min(width, line.reach) }
}
