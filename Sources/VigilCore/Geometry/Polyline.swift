#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which side of a directed line a point lies on, looking along the line from its first vertex.
public enum LineSide: Sendable, Hashable {
    /// Left of the line's direction.
    case left
    /// Right of the line's direction (a point exactly on the line counts as right).
    case right

    /// The other side.
    public var opposite: LineSide { self == .left ? .right : .left }
}

/// Where a point stands relative to a polyline.
public struct LineProximity: Sendable, Equatable {
    /// Distance in metres to the nearest point of the line.
    public var distance: Double
    /// The side of the line the point is on.
    public var side: LineSide
    /// Metres along the line (from its first vertex) of the nearest point.
    public var along: Double
}

/// A segment between two positions that crosses a polyline.
public struct LineCrossing: Sendable, Equatable {
    /// The side the segment starts on.
    public var from: LineSide
    /// The side it ends on.
    public var to: LineSide
    /// Metres along the line where it was crossed.
    public var along: Double
}

/// A polyline in WGS84 (a border line, the axis of a band zone), prepared for fast queries:
/// nearest distance with side, and segment crossings.
///
/// Queries reach only as far as `reach` metres from the line: a grid of cells (`cellDegrees` on a
/// side) lists the segments that pass within `reach` of each cell, so a query costs one hash
/// look-up and a few exact segment tests, whatever the length of the line.
public struct Polyline: Sendable {
    /// The vertices, in order.
    public let points: [GeoPoint]
    /// Metres along the line at each vertex.
    public let cumulative: [Double]
    /// How far from the line ``proximity(of:)`` answers, in metres.
    public let reach: Double
    private let grid: [Int64: [Int32]]
    private let cellDegrees: Double

    /// Prepares `points` (at least two) for queries up to `reach` metres from the line.
    public init(points: [GeoPoint], reach: Double = 10_000, cellDegrees: Double = 0.05) {
        precondition(points.count >= 2, "a polyline needs two points")
        self.points = points
        self.reach = reach
        self.cellDegrees = cellDegrees
        var cumulative = [0.0]
        for i in 1..<points.count {
            let mid = GeoPoint(lat: (points[i - 1].lat + points[i].lat) / 2, lon: (points[i - 1].lon + points[i].lon) / 2)
            let plane = LocalPlane(origin: mid)
            cumulative.append(cumulative[i - 1] + (plane.project(points[i]) - plane.project(points[i - 1])).length)
        }
        self.cumulative = cumulative
        var grid: [Int64: [Int32]] = [:]
        for i in 0..<(points.count - 1) {
            let a = points[i], b = points[i + 1]
            let plane = LocalPlane(origin: GeoPoint(lat: max(abs(a.lat), abs(b.lat)) * (a.lat < 0 ? -1 : 1), lon: a.lon))
            let padLat = reach / plane.metresPerDegreeLat, padLon = reach / plane.metresPerDegreeLon
            let row0 = Self.cellIndex(min(a.lat, b.lat) - padLat, cellDegrees)
            let row1 = Self.cellIndex(max(a.lat, b.lat) + padLat, cellDegrees)
            let col0 = Self.cellIndex(min(a.lon, b.lon) - padLon, cellDegrees)
            let col1 = Self.cellIndex(max(a.lon, b.lon) + padLon, cellDegrees)
            for row in row0...row1 {
                for col in col0...col1 { grid[Self.key(row, col), default: []].append(Int32(i)) }
            }
        }
        self.grid = grid
    }

    /// The line's length in metres.
    public var length: Double { cumulative[cumulative.count - 1] }

    @inline(__always)
    static func cellIndex(_ degrees: Double, _ cell: Double) -> Int64 { Int64((degrees / cell).rounded(.down)) }

    @inline(__always)
    static func key(_ row: Int64, _ col: Int64) -> Int64 { (row << 32) ^ (col & 0xFFFF_FFFF) }

    private func candidates(near point: GeoPoint) -> [Int32]? {
        grid[Self.key(Self.cellIndex(point.lat, cellDegrees), Self.cellIndex(point.lon, cellDegrees))]
    }

    /// Distance, side and position along the line of the nearest point to `point`, or `nil` when
    /// `point` is further than ``reach`` from the line.
    ///
    /// The side of a point whose nearest point is a vertex is decided by the vertex's
    /// pseudo-normal (the sum of its two segments' left normals), so the answer does not flip
    /// between the two segments that meet there.
    public func proximity(of point: GeoPoint) -> LineProximity? {
        guard let segments = candidates(near: point) else { return nil }
        let plane = LocalPlane(origin: point)
        var best = Double.infinity, bestSegment = -1, bestT = 0.0
        for s in segments {
            let i = Int(s)
            let a = plane.project(points[i]), d = plane.project(points[i + 1]) - a
            let lengthSquared = d.dot(d)
            var t = lengthSquared > 0 ? -a.dot(d) / lengthSquared : 0
            t = min(max(t, 0), 1)
            let distance = (a + d * t).length
            if distance < best {
                best = distance
                bestSegment = i
                bestT = t
            }
        }
        guard bestSegment >= 0, best <= reach else { return nil }
        let side = self.side(of: point, plane: plane, segment: bestSegment, t: bestT)
        let along = cumulative[bestSegment] + bestT * (cumulative[bestSegment + 1] - cumulative[bestSegment])
        return LineProximity(distance: best, side: side, along: along)
    }

    private func side(of point: GeoPoint, plane: LocalPlane, segment i: Int, t: Double) -> LineSide {
        let vertex: Int? = t <= 0 && i > 0 ? i : (t >= 1 && i + 2 < points.count ? i + 1 : nil)
        let value: Double
        if let v = vertex {
            let p = plane.project(points[v]) * -1  // the query point relative to the vertex
            let u1 = plane.project(points[v]) - plane.project(points[v - 1])
            let u2 = plane.project(points[v + 1]) - plane.project(points[v])
            let n1 = Vector2(x: -u1.y, y: u1.x) * (1 / max(u1.length, .leastNormalMagnitude))
            let n2 = Vector2(x: -u2.y, y: u2.x) * (1 / max(u2.length, .leastNormalMagnitude))
            value = p.dot(n1 + n2)
        } else {
            let a = plane.project(points[i]), b = plane.project(points[i + 1])
            value = (b - a).cross(a * -1)
        }
        return value > 0 ? .left : .right
    }

    /// The first crossing of the line by the segment from `start` to `end`, or `nil` if the
    /// segment does not cross it an odd number of times in total.
    ///
    /// Rule for touching: a point exactly on the line counts as being on its right, and a vertex
    /// exactly on the segment belongs to the segment that starts there. So a segment through a
    /// vertex crosses once, and a segment that only touches the line does not cross it.
    public func crossing(from start: GeoPoint, to end: GeoPoint) -> LineCrossing? {
        let plane = LocalPlane(origin: start)
        let p = Vector2(x: 0, y: 0), q = plane.project(end)
        var segments = Set<Int32>()
        let row0 = Self.cellIndex(min(start.lat, end.lat), cellDegrees), row1 = Self.cellIndex(max(start.lat, end.lat), cellDegrees)
        let col0 = Self.cellIndex(min(start.lon, end.lon), cellDegrees), col1 = Self.cellIndex(max(start.lon, end.lon), cellDegrees)
        guard (row1 - row0 + 1) * (col1 - col0 + 1) <= 4096 else { return nil }  // over ~250 km: not a track step
        for row in row0...row1 {
            for col in col0...col1 {
                if let list = grid[Self.key(row, col)] { segments.formUnion(list) }
            }
        }
        var count = 0
        var first: (along: Double, fraction: Double, from: LineSide)?
        for s in segments {
            let i = Int(s)
            let a = plane.project(points[i]), b = plane.project(points[i + 1])
            let ab = b - a
            let sideP = ab.cross(p - a) > 0, sideQ = ab.cross(q - a) > 0
            guard sideP != sideQ else { continue }
            let pq = q - p
            let sideA = pq.cross(a - p) > 0, sideB = pq.cross(b - p) > 0
            guard sideA != sideB else { continue }
            count += 1
            let denominator = pq.cross(ab)
            let fraction = denominator != 0 ? (a - p).cross(ab) / denominator : 0  // along p→q
            let u = denominator != 0 ? (a - p).cross(pq) / denominator : 0  // along a→b
            let along = cumulative[i] + min(max(u, 0), 1) * (cumulative[i + 1] - cumulative[i])
            if first == nil || fraction < first!.fraction {
                first = (along, fraction, sideP ? .left : .right)
            }
        }
        guard count % 2 == 1, let first else { return nil }
        return LineCrossing(from: first.from, to: first.from.opposite, along: first.along)
    }
}
