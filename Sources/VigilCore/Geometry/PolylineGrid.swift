#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A uniform grid in degrees over a polyline, in flat arrays (no dictionary, no per-cell array):
///
/// - `near`: for each cell, the segments that may pass within `reach` metres of a point of the
///   cell (each segment's bounding box padded by `reach`, converted to degrees with the smallest
///   metres-per-degree over the latitudes concerned, plus 1 %), in segment order;
/// - `touching`: for each cell, the segments whose bounding box overlaps the cell, with the first
///   cell (lowest column, lowest row) of each segment's rectangle of cells, so that a query that
///   walks a rectangle of cells visits each segment once without a set.
///
/// Cell `(column, row)` holds the points whose `column(x)` and `row(y)` are those numbers. These
/// functions are monotonic (rounded subtraction and multiplication are), so a segment registered
/// in the cells from `column(minX)` to `column(maxX)` is found by every query rectangle that its
/// bounding box meets, whatever the rounding.
struct PolylineGrid: Sendable {
    /// West and south edges of the grid, degrees.
    let x0: Double, y0: Double
    /// Cell side, degrees, and its inverse.
    let cell: Double, inverse: Double
    let columns: Int, rows: Int
    /// `near[nearStart[c]..<nearStart[c + 1]]`: segments within reach of cell `c`.
    let nearStart: [UInt32], near: [UInt32]
    /// `touching[touchingStart[c]..<touchingStart[c + 1]]`: segments whose box overlaps cell `c`.
    let touchingStart: [UInt32], touching: [UInt32]
    /// Per segment: the first column and row of its `touching` rectangle.
    let firstColumn: [Int32], firstRow: [Int32]

    /// At most this many cells; a finer requested cell is enlarged.
    static let maxCells = 1 << 22

    init(points: [GeoPoint], reach: Double, cellDegrees: Double) {
        let segmentCount = points.count - 1
        var nearBoxes: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
        nearBoxes.reserveCapacity(segmentCount)
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<segmentCount {
            let a = points[i], b = points[i + 1]
            let box = Self.paddedBox(a, b, reach: reach)
            nearBoxes.append(box)
            minX = Swift.min(minX, box.x0)
            minY = Swift.min(minY, box.y0)
            maxX = Swift.max(maxX, box.x1)
            maxY = Swift.max(maxY, box.y1)
        }
        var cell = Swift.max(cellDegrees, 1e-9)
        while ((maxX - minX) / cell + 1) * ((maxY - minY) / cell + 1) > Double(Self.maxCells) { cell *= 2 }
        let inverse = 1 / cell
        let columns = Int(((maxX - minX) * inverse).rounded(.down)) + 1
        let rows = Int(((maxY - minY) * inverse).rounded(.down)) + 1
        func clamped(_ value: Double, _ origin: Double, _ count: Int) -> Int {
            Swift.min(Swift.max(Self.index(value, origin, inverse, count), 0), count - 1)
        }
        var nearCells: [(cell: Int, segment: UInt32)] = []
        var touchingCells: [(cell: Int, segment: UInt32)] = []
        var firstColumn: [Int32] = [], firstRow: [Int32] = []
        for i in 0..<segmentCount {
            let box = nearBoxes[i]
            for row in clamped(box.y0, minY, rows)...clamped(box.y1, minY, rows) {
                for column in clamped(box.x0, minX, columns)...clamped(box.x1, minX, columns) {
                    nearCells.append((row * columns + column, UInt32(i)))
                }
            }
            let a = points[i], b = points[i + 1]
            let c0 = clamped(Swift.min(a.lon, b.lon), minX, columns), c1 = clamped(Swift.max(a.lon, b.lon), minX, columns)
            let r0 = clamped(Swift.min(a.lat, b.lat), minY, rows), r1 = clamped(Swift.max(a.lat, b.lat), minY, rows)
            firstColumn.append(Int32(c0))
            firstRow.append(Int32(r0))
            for row in r0...r1 {
                for column in c0...c1 { touchingCells.append((row * columns + column, UInt32(i))) }
            }
        }
        (self.cell, self.inverse, self.columns, self.rows, x0, y0) = (cell, inverse, columns, rows, minX, minY)
        (nearStart, near) = Self.compress(nearCells, cells: columns * rows)
        (touchingStart, touching) = Self.compress(touchingCells, cells: columns * rows)
        self.firstColumn = firstColumn
        self.firstRow = firstRow
    }

    /// The bounding box of segment `a`–`b` padded by `reach` metres, in degrees, conservatively.
    static func paddedBox(_ a: GeoPoint, _ b: GeoPoint, reach: Double) -> (x0: Double, y0: Double, x1: Double, y1: Double) {
        let lat0 = Swift.min(a.lat, b.lat), lat1 = Swift.max(a.lat, b.lat)
        // Metres per degree of latitude grow with |latitude|: the smallest is nearest the equator.
        let nearestEquator = lat0 > 0 ? lat0 : (lat1 < 0 ? -lat1 : 0)
        let padLat = reach / LocalPlane(origin: GeoPoint(lat: nearestEquator, lon: 0)).metresPerDegreeLat * 1.01 + 1e-9
        // Metres per degree of longitude shrink with |latitude|: take the farthest from the equator.
        let farthest = Swift.min(Swift.max(abs(lat0 - padLat), abs(lat1 + padLat)), 89.999)
        let padLon = Swift.min(reach / LocalPlane(origin: GeoPoint(lat: farthest, lon: 0)).metresPerDegreeLon * 1.01 + 1e-9, 360)
        return (Swift.min(a.lon, b.lon) - padLon, lat0 - padLat, Swift.max(a.lon, b.lon) + padLon, lat1 + padLat)
    }

    /// Flat per-cell lists from (cell, segment) pairs, keeping segment order within a cell.
    static func compress(_ pairs: [(cell: Int, segment: UInt32)], cells: Int) -> ([UInt32], [UInt32]) {
        var start = [UInt32](repeating: 0, count: cells + 1)
        for pair in pairs { start[pair.cell + 1] += 1 }
        for c in 0..<cells { start[c + 1] += start[c] }
        var fill = start
        var items = [UInt32](repeating: 0, count: pairs.count)
        for pair in pairs {
            items[Int(fill[pair.cell])] = pair.segment
            fill[pair.cell] += 1
        }
        return (start, items)
    }

    /// `floor((value − origin) · inverse)`, limited to `-1...count` (NaN gives −1).
    @inline(__always)
    static func index(_ value: Double, _ origin: Double, _ inverse: Double, _ count: Int) -> Int {
        let i = ((value - origin) * inverse).rounded(.down)
        if !(i >= -1) { return -1 }
        return i > Double(count) ? count : Int(i)
    }

    /// The column of longitude `x` (may be outside `0..<columns`: −1 or `columns` beyond).
    @inline(__always)
    func column(_ x: Double) -> Int { Self.index(x, x0, inverse, columns) }

    /// The row of latitude `y` (may be outside `0..<rows`: −1 or `rows` beyond).
    @inline(__always)
    func row(_ y: Double) -> Int { Self.index(y, y0, inverse, rows) }

    @inline(__always)
    func clampedColumn(_ x: Double) -> Int { Swift.min(Swift.max(column(x), 0), columns - 1) }

    @inline(__always)
    func clampedRow(_ y: Double) -> Int { Swift.min(Swift.max(row(y), 0), rows - 1) }

    /// The cell of `point`, or `nil` outside the grid (NaN included).
    @inline(__always)
    func cell(of point: GeoPoint) -> Int? {
        let c = column(point.lon), r = row(point.lat)
        guard c >= 0, c < columns, r >= 0, r < rows else { return nil }
        return r * columns + c
    }
}
