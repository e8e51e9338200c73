/// The spatial index behind ``ZoneSet``: which zones contain a point, at a cost that does not grow
/// with the number of zones, and with exactly the answer of the exact tests.
///
/// A uniform grid in degrees covers every zone (cell size chosen from the data,
/// ``ZoneIndexBuilder``). Each cell lists, in priority order, the zones that meet it, each as
/// - inside: the whole cell is inside the zone;
/// - leaf: a polygon's edges that meet the cell, copied next to each other (a chunk), and whether
///   the cell's centre is inside. The query point is inside when that parity, flipped once per
///   edge that the segment from the centre to the query point crosses, says so. The crossings
///   are decided exactly, with the symbolic perturbation that reproduces the half-open
///   ray-casting rule, so the answer is identical to ``Polygon/contains(_:)``
///   (`docs/geometry.md` has the proof);
/// - test: a ``CellTest``: a leaf with a stored reference point (in sub-grids), a split (a
///   sub-grid over the cell whose sub-cells hold tests, where edges are many), a disc or band
///   (the exact metric test, where the cell is neither provably inside nor outside), or a whole
///   sub-cell inside or outside.
///
/// Everything lives in flat arrays, and a query reads few of them: the cell's entries, then for
/// each polygon boundary one chunk of coordinates (and a test or two where a cell is split).
/// A query allocates nothing.
struct ZoneIndex: Sendable {
    /// The top grid.
    let grid: CellGrid
    /// Points outside this box (grown by ``margin`` around every zone) are in no zone.
    let bounds: Box
    /// `entries[cellStart[c]..<cellStart[c + 1]]`: the zones meeting cell `c`, in priority order.
    let cellStart: [UInt32]
    let entries: [Entry]
    let tests: [CellTest]
    /// Leaf edges: for each run of consecutive edges, its edge count, then its vertices as
    /// `x, y` pairs (longitude, latitude).
    let chunks: [Double]
    let discs: [Disc]
    let bands: [Band]
    /// Slack in degrees by which every cell is grown when deciding what meets it.
    let margin: Double
    /// The index's size.
    let statistics: ZoneIndexStatistics

    /// A zone meeting a cell (12 bytes).
    struct Entry: Sendable {
        /// The zone's index in ``ZoneSet/zones``.
        var zone: UInt32
        /// Leaf: offset of its chunk; test: index in ``ZoneIndex/tests``.
        var payload: UInt32
        /// Bits 0–1: kind (0 inside, 1 leaf, 2 test); bit 2: leaf parity; bits 3–31: leaf runs.
        var info: UInt32

        static func inside(_ zone: Int) -> Entry { Entry(zone: UInt32(zone), payload: 0, info: 0) }

        static func leaf(_ zone: Int, chunk: UInt32, runs: UInt32, parity: Bool) -> Entry {
            Entry(zone: UInt32(zone), payload: chunk, info: 1 | (parity ? 4 : 0) | runs << 3)
        }

        static func test(_ zone: Int, _ test: UInt32) -> Entry { Entry(zone: UInt32(zone), payload: test, info: 2) }
    }

    /// How to decide the points of a sub-cell, or of a cell that needs more than a leaf.
    struct CellTest: Sendable {
        enum Kind: UInt8, Sendable {
            case inside, outside, leaf, split, disc, band
        }
        /// Leaf: the reference point; split: the sub-grid's south-west corner.
        var x: Double = 0, y: Double = 0
        /// Split: the inverses of the sub-cells' width and height.
        var a: Double = 0, b: Double = 0
        /// Leaf: the chunk's offset; split: the first sub-cell's test (row by row); disc, band:
        /// their index.
        var first: UInt32 = 0
        /// Leaf: the number of runs; split: sub-cells on a side.
        var end: UInt32 = 0
        var kind: Kind
        /// Leaf: whether the reference point is inside.
        var parity = false
    }

    /// Whether `(qx, qy)` is inside `zone` given its entry in the cell `(column, row)`.
    @inline(__always)
    func passes(_ entry: Entry, _ cell: Int, _ qx: Double, _ qy: Double) -> Bool {
        switch entry.info & 3 {
        case 0:
            return true
        case 1:
            let centre = grid.center(cell % grid.columns, cell / grid.columns)
            return leaf(Int(entry.payload), runs: Int(entry.info >> 3), centre.x, centre.y, parity: entry.info & 4 != 0, qx, qy)
        default:
            return passes(test: Int(entry.payload), qx, qy)
        }
    }

    /// Whether `(qx, qy)`, which lies in the cell of the test, passes test `index`.
    func passes(test index: Int, _ qx: Double, _ qy: Double) -> Bool {
        var index = index
        while true {
            let test = tests[index]
            switch test.kind {
            case .inside: return true
            case .outside: return false
            case .leaf: return leaf(Int(test.first), runs: Int(test.end), test.x, test.y, parity: test.parity, qx, qy)
            case .split:
                let n = Int(test.end)
                let column = CellGrid.index(qx, test.x, test.a, n), row = CellGrid.index(qy, test.y, test.b, n)
                index = Int(test.first) + row * n + column
            case .disc: return discs[Int(test.first)].contains(GeoPoint(lat: qy, lon: qx))
            case .band: return bands[Int(test.first)].contains(GeoPoint(lat: qy, lon: qx))
            }
        }
    }

    /// The polygon leaf test: the reference point's parity, flipped by each crossing of the
    /// segment from the reference point `(rx, ry)` to the query point.
    @inline(__always)
    func leaf(_ offset: Int, runs: Int, _ rx: Double, _ ry: Double, parity: Bool, _ qx: Double, _ qy: Double) -> Bool {
        var inside = parity
        let minX = min(rx, qx), maxX = max(rx, qx), minY = min(ry, qy), maxY = max(ry, qy)
        chunks.withUnsafeBufferPointer { v in
            var k = offset
            for _ in 0..<runs {
                let edges = Int(v[k])
                k += 1
                let end = k + 2 * edges
                while k < end {
                    let ax = v[k], ay = v[k + 1], bx = v[k + 2], by = v[k + 3]
                    k += 2
                    // Disjoint boxes never cross, even after the infinitesimal move.
                    if (ax < minX && bx < minX) || (ax > maxX && bx > maxX) || (ay < minY && by < minY) || (ay > maxY && by > maxY) {
                        continue
                    }
                    if Orientation.perturbedSegmentsCross(rx, ry, qx, qy, ax, ay, bx, by) { inside.toggle() }
                }
                k += 2  // the run's last vertex
            }
        }
        return inside
    }

    /// The cell of `(x, y)` and its entries, or an empty range outside the index.
    @inline(__always)
    func locate(_ x: Double, _ y: Double) -> (cell: Int, entries: Range<Int>) {
        guard x >= bounds.x0, x <= bounds.x1, y >= bounds.y0, y <= bounds.y1 else { return (0, 0..<0) }  // NaN too
        let cell = grid.cell(x, y)
        return (cell, Int(cellStart[cell])..<Int(cellStart[cell + 1]))
    }

    /// Appends to `result` the zones containing `point`, in priority order.
    @inline(__always)
    func collect(_ point: GeoPoint, into result: inout [Int]) {
        let x = point.lon, y = point.lat
        let (cell, range) = locate(x, y)
        for k in range {
            let entry = entries[k]
            if passes(entry, cell, x, y) { result.append(Int(entry.zone)) }
        }
    }

    /// Appends to `result` the zones containing `point`, in priority order.
    @inline(__always)
    func collect(_ point: GeoPoint, into result: inout ZoneMatches) {
        let x = point.lon, y = point.lat
        let (cell, range) = locate(x, y)
        for k in range {
            let entry = entries[k]
            if passes(entry, cell, x, y) { result.append(Int(entry.zone)) }
        }
    }

    /// The first zone (in priority order) containing `point`, if any.
    func first(containing point: GeoPoint) -> Int? {
        let x = point.lon, y = point.lat
        let (cell, range) = locate(x, y)
        for k in range {
            let entry = entries[k]
            if passes(entry, cell, x, y) { return Int(entry.zone) }
        }
        return nil
    }
}
