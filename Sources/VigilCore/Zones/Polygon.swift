/// A polygon with holes (an exterior ring and zero or more interior rings), or several of them.
///
/// Edges are straight lines in longitude/latitude, as RFC 7946 defines them, so containment is
/// the planar even-odd test on degrees, computed exactly (``Orientation``): no projection, no
/// rounding.
///
/// Points exactly on the boundary follow the half-open crossing-number rule: a ray goes east from
/// the point; an edge counts when one end is at or below the point's latitude and the other is
/// strictly above, and the point is strictly west of it. Equivalently, a point on the boundary
/// takes the status of the points immediately east of it (nudged north by a second-order
/// infinitesimal, for east–west edges): a point on a western or southern edge is inside, on an
/// eastern or northern edge outside; of a square's corners only the south-west one is inside.
/// Shared edges of adjacent polygons therefore belong to exactly one of them. See
/// `docs/geometry.md`.
public struct Polygon: Sendable {
    /// Rings of positions, closed (first == last) as GeoJSON requires; an open ring is closed
    /// implicitly. For a MultiPolygon, the rings of every part: even-odd over all rings of
    /// disjoint parts is their union.
    public let rings: [[GeoPoint]]
    /// Bounding box: min/max lat and lon.
    public let minLat: Double, maxLat: Double, minLon: Double, maxLon: Double
    /// Every ring's vertices, closed, one ring after the other: longitudes and latitudes.
    let xs: [Double], ys: [Double]
    /// Ring `k` is `xs[ringStarts[k]..<ringStarts[k + 1]]`; its edges join consecutive vertices.
    let ringStarts: [Int]

    /// Creates a polygon from closed rings (exterior and holes, of one or several parts).
    public init(rings: [[GeoPoint]]) {
        self.rings = rings
        var xs: [Double] = [], ys: [Double] = [], starts = [0]
        var minLat = Double.infinity, maxLat = -Double.infinity, minLon = Double.infinity, maxLon = -Double.infinity
        for ring in rings {
            for point in ring {
                xs.append(point.lon)
                ys.append(point.lat)
                minLat = Swift.min(minLat, point.lat)
                maxLat = Swift.max(maxLat, point.lat)
                minLon = Swift.min(minLon, point.lon)
                maxLon = Swift.max(maxLon, point.lon)
            }
            if let first = ring.first, let last = ring.last, first != last {
                xs.append(first.lon)
                ys.append(first.lat)
            }
            starts.append(xs.count)
        }
        if xs.isEmpty { (minLat, maxLat, minLon, maxLon) = (0, 0, 0, 0) }
        (self.minLat, self.maxLat, self.minLon, self.maxLon) = (minLat, maxLat, minLon, maxLon)
        (self.xs, self.ys, ringStarts) = (xs, ys, starts)
    }

    /// The number of edges (including zero-length ones, which never count).
    var edgeCount: Int { xs.count - (ringStarts.count - 1) }

    /// Whether `point` is inside: even-odd over every ring, exact, with the half-open rule for
    /// points on the boundary (see the type's documentation). This is the reference that the zone
    /// index (``ZoneSet``) agrees with exactly.
    public func contains(_ point: GeoPoint) -> Bool {
        let px = point.lon, py = point.lat
        guard py >= minLat, py <= maxLat, px >= minLon, px <= maxLon else { return false }
        var inside = false
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                for k in 0..<(ringStarts.count - 1) {
                    let start = ringStarts[k], end = ringStarts[k + 1]
                    guard end - start >= 2 else { continue }
                    for i in start..<(end - 1) {
                        let ay = ys[i], by = ys[i + 1]
                        guard (ay > py) != (by > py) else { continue }
                        // The edge spans the point's latitude, half-open: lo.y <= py < hi.y.
                        let ax = xs[i], bx = xs[i + 1]
                        // Quick decisions when the point is clearly east or west of the edge.
                        if px >= Swift.max(ax, bx) { continue }
                        if px < Swift.min(ax, bx) {
                            inside.toggle()
                            continue
                        }
                        // Strictly west of the edge oriented upwards (lo → hi): strictly left of it.
                        let west = ay < by
                            ? Orientation.sign(ax, ay, bx, by, px, py) > 0
                            : Orientation.sign(bx, by, ax, ay, px, py) > 0
                        if west { inside.toggle() }
                    }
                }
            }
        }
        return inside
    }
}
