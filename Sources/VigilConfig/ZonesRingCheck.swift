import VigilCore

/// Validity checks on the rings of one Polygon or MultiPolygon, planar in longitude/latitude as
/// RFC 7946 defines the edges: intersections between edges (found with a sweep along longitude,
/// so a 10,000-vertex ring is checked in milliseconds), signed areas (winding) and where one ring
/// lies relative to another.
struct ZonesRingCheck {
    /// One closed ring of a geometry.
    struct Ring {
        /// Positions, closed (first == last), as written.
        var points: [GeoPoint]
        /// Its key path in the feature: `geometry.coordinates[1]`, `geometry.coordinates[2][0]`.
        var key: String
        /// The polygon it belongs to (0 for a Polygon; the index in a MultiPolygon).
        var part: Int
        /// Whether it is a hole (an interior ring), not an exterior ring.
        var isHole: Bool

        /// How messages name it: `coordinates[2][0]`.
        var name: String { key.hasPrefix("geometry.") ? String(key.dropFirst("geometry.".count)) : key }
        /// How messages describe it: `the exterior ring coordinates[0]`.
        var described: String { "\(isHole ? "hole" : "the exterior ring") \(name)" }
    }

    /// How two edges meet.
    enum Contact: Equatable {
        /// They cross at a point inside both.
        case crossing
        /// An end of one lies on the other.
        case touch
        /// They are collinear and share more than a point.
        case overlap
    }

    /// Two edges that meet where they must not. Edge `k` of a ring runs from its position `k` to
    /// the next position that differs from it.
    struct Intersection: Equatable {
        var ringA: Int, edgeA: Int, ringB: Int, edgeB: Int
        var point: GeoPoint
        var contact: Contact
    }

    /// Where a point lies relative to a ring.
    enum Location: Equatable { case inside, outside, boundary }

    private struct Edge {
        var ring: Int
        var ordinal: Int  // position among the ring's non-degenerate edges
        var start: Int  // index of its first position in the ring as written
        var a: GeoPoint, b: GeoPoint
        var minX: Double, maxX: Double, minY: Double, maxY: Double
    }

    let rings: [Ring]

    /// The intersections between edges of `rings` that make the geometry invalid, ordered by
    /// ring and edge. Edges that follow each other in a ring may only share their common
    /// position; other edges of one ring may not meet at all; edges of different rings may touch
    /// at a point but not cross or overlap.
    func intersections() -> [Intersection] {
        var edges: [Edge] = []
        var counts: [Int] = []
        for (r, ring) in rings.enumerated() {
            var ordinal = 0
            let points = ring.points
            var i = 0
            while i < points.count - 1 {
                var j = i + 1
                while j < points.count - 1 && points[j] == points[i] { j += 1 }
                if points[j] != points[i] {
                    let a = points[i], b = points[j]
                    edges.append(
                        Edge(
                            ring: r, ordinal: ordinal, start: i, a: a, b: b, minX: min(a.lon, b.lon), maxX: max(a.lon, b.lon),
                            minY: min(a.lat, b.lat), maxY: max(a.lat, b.lat)))
                    ordinal += 1
                }
                i = j
            }
            counts.append(ordinal)
        }
        let order = edges.indices.sorted { edges[$0].minX < edges[$1].minX }
        var found: [Intersection] = []
        for (position, i) in order.enumerated() {
            let e = edges[i]
            var next = position + 1
            while next < order.count, edges[order[next]].minX <= e.maxX {
                let f = edges[order[next]]
                next += 1
                guard f.minY <= e.maxY, f.maxY >= e.minY else { continue }
                let (first, second) = (e.ring, e.ordinal) < (f.ring, f.ordinal) ? (e, f) : (f, e)
                if let hit = Self.problem(first, second, edgesInRing: counts[first.ring]) {
                    found.append(
                        Intersection(ringA: first.ring, edgeA: first.start, ringB: second.ring, edgeB: second.start, point: hit.0, contact: hit.1))
                }
            }
        }
        return found.sorted { ($0.ringA, $0.edgeA, $0.ringB, $0.edgeB) < ($1.ringA, $1.edgeA, $1.ringB, $1.edgeB) }
    }

    /// The contact between `e` and `f` (ordered by ring and ordinal) if it makes the geometry invalid.
    private static func problem(_ e: Edge, _ f: Edge, edgesInRing n: Int) -> (GeoPoint, Contact)? {
        if e.ring == f.ring {
            let adjacentForward = f.ordinal == e.ordinal + 1  // e's end is f's start
            let adjacentWrap = e.ordinal == 0 && f.ordinal == n - 1 && n > 2  // f's end is e's start
            if adjacentForward || adjacentWrap {
                let shared = adjacentForward ? e.b : e.a
                let p = adjacentForward ? e.a : e.b
                let q = adjacentForward ? f.b : f.a
                // Adjacent edges meet at their shared position; they are wrong only if they double back.
                let turn = orient(shared, p, q)
                let back = (p.lon - shared.lon) * (q.lon - shared.lon) + (p.lat - shared.lat) * (q.lat - shared.lat)
                return turn == 0 && back > 0 ? (shared, .overlap) : nil
            }
            return contact(e.a, e.b, f.a, f.b)
        }
        guard let hit = contact(e.a, e.b, f.a, f.b), hit.1 != .touch else { return nil }
        return hit
    }

    /// Orientation of `r` relative to the line `p`→`q`: positive when `r` is to the left.
    @inline(__always)
    static func orient(_ p: GeoPoint, _ q: GeoPoint, _ r: GeoPoint) -> Double {
        (q.lon - p.lon) * (r.lat - p.lat) - (q.lat - p.lat) * (r.lon - p.lon)
    }

    @inline(__always)
    private static func within(_ a: GeoPoint, _ b: GeoPoint, _ p: GeoPoint) -> Bool {
        p.lon >= min(a.lon, b.lon) && p.lon <= max(a.lon, b.lon) && p.lat >= min(a.lat, b.lat) && p.lat <= max(a.lat, b.lat)
    }

    /// How segments `a`–`b` and `c`–`d` meet, and where, or `nil` if they do not.
    static func contact(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint, _ d: GeoPoint) -> (GeoPoint, Contact)? {
        let d1 = orient(c, d, a), d2 = orient(c, d, b), d3 = orient(a, b, c), d4 = orient(a, b, d)
        if d1 == 0 && d2 == 0 {
            // Collinear: compare along the axis where the segments extend most.
            let alongLon = max(abs(a.lon - b.lon), abs(c.lon - d.lon)) >= max(abs(a.lat - b.lat), abs(c.lat - d.lat))
            func key(_ p: GeoPoint) -> Double { alongLon ? p.lon : p.lat }
            let (lo1, hi1) = key(a) <= key(b) ? (a, b) : (b, a)
            let (lo2, hi2) = key(c) <= key(d) ? (c, d) : (d, c)
            let lo = key(lo1) >= key(lo2) ? lo1 : lo2
            let hi = key(hi1) <= key(hi2) ? hi1 : hi2
            if key(lo) < key(hi) { return (lo, .overlap) }
            if key(lo) == key(hi) { return (lo, .touch) }
            return nil
        }
        if d1 != 0, d2 != 0, d3 != 0, d4 != 0, (d1 > 0) != (d2 > 0), (d3 > 0) != (d4 > 0) {
            let t = d1 / (d1 - d2)
            return (GeoPoint(lat: a.lat + t * (b.lat - a.lat), lon: a.lon + t * (b.lon - a.lon)), .crossing)
        }
        if d1 == 0 && within(c, d, a) { return (a, .touch) }
        if d2 == 0 && within(c, d, b) { return (b, .touch) }
        if d3 == 0 && within(a, b, c) { return (c, .touch) }
        if d4 == 0 && within(a, b, d) { return (d, .touch) }
        return nil
    }

    /// Twice the signed area of a closed ring in square degrees: positive when counter-clockwise
    /// (longitude east, latitude north).
    static func signedArea(_ points: [GeoPoint]) -> Double {
        guard let origin = points.first else { return 0 }
        var sum = 0.0
        for i in 0..<(points.count - 1) {
            let a = points[i], b = points[i + 1]
            sum += (a.lon - origin.lon) * (b.lat - origin.lat) - (b.lon - origin.lon) * (a.lat - origin.lat)
        }
        return sum
    }

    /// Whether every position of `points` lies on one line (so the ring has no area).
    static func isCollinear(_ points: [GeoPoint]) -> Bool {
        guard let first = points.first, let other = points.first(where: { $0 != first }) else { return true }
        return points.allSatisfy { orient(first, other, $0) == 0 }
    }

    /// Where `point` lies relative to the closed ring `points` (even-odd rule).
    static func locate(_ point: GeoPoint, in points: [GeoPoint]) -> Location {
        var inside = false
        for i in 0..<(points.count - 1) {
            let a = points[i], b = points[i + 1]
            if orient(a, b, point) == 0 && within(a, b, point) { return .boundary }
            if (a.lat > point.lat) != (b.lat > point.lat) {
                let lonAtLat = a.lon + (point.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat)
                if point.lon < lonAtLat { inside.toggle() }
            }
        }
        return inside ? .inside : .outside
    }

    /// Where ring `inner` lies relative to ring `outer`, from its first position not on
    /// `outer`'s boundary (rings that do not cross lie wholly on one side), or `nil` if every
    /// position is on the boundary.
    static func locate(ring inner: [GeoPoint], in outer: [GeoPoint]) -> Location? {
        for point in inner {
            let location = locate(point, in: outer)
            if location != .boundary { return location }
        }
        return nil
    }
}
