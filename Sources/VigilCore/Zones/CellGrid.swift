/// A uniform grid of `columns × rows` cells in degrees (x = longitude, y = latitude), used at two
/// levels by ``ZoneIndex``: the top grid over every zone, and the sub-grids that split a crowded
/// cell.
///
/// A point belongs to the cell given by `column(x)` and `row(y)`, clamped to the grid. Those
/// functions are monotonic, so a cell's points form a box that differs from the nominal box
/// `[x0 + c·width, x0 + (c + 1)·width]` by rounding only (under 1e-13 degrees); everything built
/// for a cell is built for the nominal box grown by a margin that dwarfs it (``ZoneIndex/margin``).
struct CellGrid: Sendable {
    /// South-west corner, degrees.
    let x0: Double, y0: Double
    /// Cell width (longitude) and height (latitude), degrees.
    let width: Double, height: Double
    let inverseWidth: Double, inverseHeight: Double
    let columns: Int, rows: Int

    init(x0: Double, y0: Double, width: Double, height: Double, columns: Int, rows: Int) {
        self.x0 = x0
        self.y0 = y0
        self.width = width
        self.height = height
        inverseWidth = 1 / width
        inverseHeight = 1 / height
        self.columns = columns
        self.rows = rows
    }

    var cellCount: Int { columns * rows }

    /// The side, in cells, of the tiles by which ``slot(_:_:)`` numbers cells.
    static let tileSide = 16
    /// Tiles in a row of tiles.
    var tileColumns: Int { (columns + Self.tileSide - 1) / Self.tileSide }
    /// The number of slots: the grid padded to whole tiles.
    var slotCount: Int { tileColumns * ((rows + Self.tileSide - 1) / Self.tileSide) * Self.tileSide * Self.tileSide }

    /// The number of cell `(column, row)` when cells are numbered tile by tile (16 × 16 cells,
    /// row by row within a tile, tiles row by row): ``ZoneIndex`` keeps its per-cell arrays in
    /// this order, so that the cells around a point, hence its neighbours' data, are near each
    /// other in memory (a 4 KB page of ``ZoneIndex/cellStart`` covers 64 × 16 cells rather than
    /// 1,024 cells of one row or two).
    @inline(__always)
    func slot(_ column: Int, _ row: Int) -> Int {
        let side = Self.tileSide, tile = (row / side) &* tileColumns &+ column / side
        return (tile &* side &+ row % side) &* side &+ column % side
    }

    /// `floor((value − origin) · inverse)` clamped to `0..<count` (NaN gives 0): the column or
    /// row of a coordinate. The same function at build time and at query time.
    @inline(__always)
    static func index(_ value: Double, _ origin: Double, _ inverse: Double, _ count: Int) -> Int {
        let t = (value - origin) * inverse
        // Below 1 the floor is at most 0, and from 1 on it is the truncation: no call to `floor`
        // (a library call on x86-64 without SSE 4.1, twice a query).
        if !(t >= 1) { return 0 }
        return t >= Double(count - 1) ? count - 1 : Int(t)
    }

    /// The column of longitude `x`, clamped to the grid (NaN gives 0).
    @inline(__always)
    func column(_ x: Double) -> Int { Self.index(x, x0, inverseWidth, columns) }

    /// The row of latitude `y`, clamped to the grid (NaN gives 0).
    @inline(__always)
    func row(_ y: Double) -> Int { Self.index(y, y0, inverseHeight, rows) }

    /// The cell holding the point `(x, y)`.
    @inline(__always)
    func cell(_ x: Double, _ y: Double) -> Int { row(y) * columns + column(x) }

    /// The nominal box of cell `(column, row)`.
    func box(_ column: Int, _ row: Int) -> Box {
        Box(
            x0: x0 + Double(column) * width, y0: y0 + Double(row) * height,
            x1: x0 + Double(column + 1) * width, y1: y0 + Double(row + 1) * height)
    }

    /// The centre of cell `(column, row)`: its reference point (computed the same way when the
    /// index is built and when it is queried, so bit for bit the same).
    @inline(__always)
    func center(_ column: Int, _ row: Int) -> (x: Double, y: Double) {
        (x0 + (Double(column) + 0.5) * width, y0 + (Double(row) + 0.5) * height)
    }

    /// Calls `body(column, row)` for every cell whose nominal box grown by `margin` may meet the
    /// segment `a`–`b` (conservative: a few extra cells at most, never one missing).
    func rasterize(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, margin: Double, _ body: (Int, Int) -> Void) {
        let lowY = min(ay, by) - margin, highY = max(ay, by) + margin
        let lowX = min(ax, bx) - margin, highX = max(ax, bx) + margin
        guard highX >= x0 - margin, lowX <= x0 + Double(columns) * width + margin,
            highY >= y0 - margin, lowY <= y0 + Double(rows) * height + margin
        else { return }
        // Slack for the rounding of the clipping below (relative 1e-15 of the coordinates).
        let slack = margin + 1e-12 * (1 + max(abs(ax), abs(bx), abs(ay), abs(by)))
        let dy = by - ay, dx = bx - ax
        for row in self.row(lowY)...self.row(highY) {
            let bandLow = y0 + Double(row) * height - slack, bandHigh = y0 + Double(row + 1) * height + slack
            var xLow = min(ax, bx), xHigh = max(ax, bx)
            if dy != 0 {
                var t0 = (bandLow - ay) / dy, t1 = (bandHigh - ay) / dy
                if t0 > t1 { swap(&t0, &t1) }
                t0 = max(t0, 0)
                t1 = min(t1, 1)
                guard t0 <= t1 else { continue }
                let xa = ax + t0 * dx, xb = ax + t1 * dx
                xLow = min(xa, xb)
                xHigh = max(xa, xb)
            } else if ay < bandLow || ay > bandHigh {
                continue
            }
            for column in self.column(xLow - slack)...self.column(xHigh + slack) { body(column, row) }
        }
    }
}

/// An axis-aligned box in degrees.
struct Box: Sendable {
    var x0: Double, y0: Double, x1: Double, y1: Double

    /// The box grown by `margin` on every side.
    func grown(by margin: Double) -> Box { Box(x0: x0 - margin, y0: y0 - margin, x1: x1 + margin, y1: y1 + margin) }
}
