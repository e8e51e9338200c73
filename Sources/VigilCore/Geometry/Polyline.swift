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
/// Segments are straight in the local tangent plane of the query point (``LocalPlane``), which is
/// a positive scaling of longitude and latitude, so they are also straight in degrees: the line is
/// the same set of points in both views, and sides and crossings (decided by exact orientation
/// predicates on degrees, ``Orientation``) do not depend on the plane.
///
/// Queries reach only as far as `reach` metres from the line: a uniform grid of cells
/// (`cellDegrees` on a side, in flat arrays) lists the segments that may pass within `reach` of
/// each cell, and the segments whose bounding box touches it, so a query costs one cell look-up
/// and a few segment tests, whatever the length of the line, and allocates nothing.
public struct Polyline: Sendable {
    /// The vertices, in order.
    public let points: [GeoPoint]
    /// Metres along the line at each vertex.
    public let cumulative: [Double]
    /// How far from the line ``proximity(of:)`` answers, in metres.
    public let reach: Double
    let grid: PolylineGrid

    /// Prepares `points` (at least two) for queries up to `reach` metres from the line, on a grid
    /// of `cellDegrees` cells (enlarged if the line's extent would need more than 4 million).
    public init(points: [GeoPoint], reach: Double = 10_000, cellDegrees: Double = 0.05) {
        precondition(points.count >= 2, "a polyline needs two points")
        self.points = points
        self.reach = reach
        var cumulative = [0.0]
        for i in 1..<points.count {
            let mid = GeoPoint(lat: (points[i - 1].lat + points[i].lat) / 2, lon: (points[i - 1].lon + points[i].lon) / 2)
            let plane = LocalPlane(origin: mid)
            cumulative.append(cumulative[i - 1] + (plane.project(points[i]) - plane.project(points[i - 1])).length)
        }
        self.cumulative = cumulative
        grid = PolylineGrid(points: points, reach: reach, cellDegrees: cellDegrees)
    }

    /// The line's length in metres.
    public var length: Double { cumulative[cumulative.count - 1] }

    /// Distance, side and position along the line of the nearest point to `point`, or `nil` when
    /// `point` is further than ``reach`` from the line.
    ///
    /// Distances are Euclidean in the tangent plane at `point` (``LocalPlane``); see
    /// `docs/geometry.md` for their error against the geodesic distance. The side of a point
    /// whose nearest point is a vertex is decided by the vertex's pseudo-normal (the sum of its
    /// two segments' left normals), so the answer does not flip between the two segments that
    /// meet there; a point exactly on the line is on its right. Among segments at the same
    /// distance, the first in line order wins.
    public func proximity(of point: GeoPoint) -> LineProximity? {
        guard let cell = grid.cell(of: point) else { return nil }
        let first = Int(grid.nearStart[cell]), end = Int(grid.nearStart[cell + 1])
        guard first < end else { return nil }
        let plane = LocalPlane(origin: point)
        var best = Double.infinity, bestSegment = -1, bestT = 0.0
        for k in first..<end {
            let i = Int(grid.near[k])
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
}
