/// A polygon with holes (an exterior ring and zero or more interior rings), or several of them.
///
/// Edges are straight lines in longitude/latitude, as RFC 7946 defines them, so containment is
/// exactly the planar even-odd test on degrees. A point exactly on an edge is decided by the
/// half-open crossing-number rule (the same edge is never counted twice).
public struct Polygon: Sendable {
    /// Rings of `[lon, lat]` positions, closed (first == last). For a MultiPolygon, the rings of
    /// every part, since even-odd over all rings of disjoint parts is their union.
    public let rings: [[GeoPoint]]
    /// Bounding box: min/max lat and lon.
    public let minLat: Double, maxLat: Double, minLon: Double, maxLon: Double

    /// Creates a polygon from closed rings (exterior and holes, of one or several parts).
    public init(rings: [[GeoPoint]]) {
        self.rings = rings
        let all = rings.joined()
        minLat = all.map(\.lat).min() ?? 0
        maxLat = all.map(\.lat).max() ?? 0
        minLon = all.map(\.lon).min() ?? 0
        maxLon = all.map(\.lon).max() ?? 0
    }

    /// Whether `point` is inside (even-odd over every ring).
    public func contains(_ point: GeoPoint) -> Bool {
        guard point.lat >= minLat, point.lat <= maxLat, point.lon >= minLon, point.lon <= maxLon else { return false }
        var inside = false
        for ring in rings {
            var j = ring.count - 1
            for i in 0..<ring.count {
                let a = ring[i], b = ring[j]
                if (a.lat > point.lat) != (b.lat > point.lat) {
                    let lonAtLat = a.lon + (point.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat)
                    if point.lon < lonAtLat { inside.toggle() }
                }
                j = i
            }
        }
        return inside
    }
}
