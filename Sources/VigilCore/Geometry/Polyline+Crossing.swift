extension Polyline {
    /// Beyond this many grid cells, a query segment tests every segment of the line instead of
    /// walking the cells (a track step is a few hundred metres; a cell is kilometres).
    static let crossingCellLimit = 64

    /// The first crossing of the line by the segment from `start` to `end`, or `nil` if the
    /// segment does not cross it an odd number of times in total.
    ///
    /// Rule for touching (half-open, applied the same way to both segments of every test): a
    /// point exactly on a line counts as being on its right. So `start` or `end` exactly on the
    /// border is on the border's right; a border vertex exactly on the segment is on the
    /// segment's right, for both border segments that meet there, so a segment through a vertex
    /// crosses exactly once when the line passes from one side to the other there, and zero or
    /// two times (no crossing) when the line only touches the segment. The sides are decided
    /// exactly, in degrees (``Orientation``), so the count is exact.
    ///
    /// Costs a few cells of a flat grid and a few exact tests, and allocates nothing.
    public func crossing(from start: GeoPoint, to end: GeoPoint) -> LineCrossing? {
        let px = start.lon, py = start.lat, qx = end.lon, qy = end.lat
        let minX = min(px, qx), maxX = max(px, qx), minY = min(py, qy), maxY = max(py, qy)
        let c0 = grid.column(minX), c1 = grid.column(maxX), r0 = grid.row(minY), r1 = grid.row(maxY)
        guard c1 >= 0, c0 < grid.columns, r1 >= 0, r0 < grid.rows else { return nil }  // NaN too
        var state = CrossingState()
        let columnFrom = max(c0, 0), columnTo = min(c1, grid.columns - 1)
        let rowFrom = max(r0, 0), rowTo = min(r1, grid.rows - 1)
        if (columnTo - columnFrom + 1) * (rowTo - rowFrom + 1) > Self.crossingCellLimit {
            for i in 0..<(points.count - 1) { test(segment: i, px, py, qx, qy, &state) }
        } else {
            for row in rowFrom...rowTo {
                for column in columnFrom...columnTo {
                    let cell = row * grid.columns + column
                    for k in Int(grid.touchingStart[cell])..<Int(grid.touchingStart[cell + 1]) {
                        let i = Int(grid.touching[k])
                        // Visit each segment once: in the first cell of the query's rectangle
                        // that its own rectangle of cells shares.
                        guard column == max(Int(grid.firstColumn[i]), columnFrom),
                            row == max(Int(grid.firstRow[i]), rowFrom)
                        else { continue }
                        test(segment: i, px, py, qx, qy, &state)
                    }
                }
            }
        }
        guard state.count % 2 == 1 else { return nil }
        return LineCrossing(from: state.from, to: state.from.opposite, along: state.along)
    }

    /// The crossings counted so far and the first one along the query segment.
    struct CrossingState {
        var count = 0
        var fraction = Double.infinity
        var along = 0.0
        var from = LineSide.right
    }

    @inline(__always)
    private func test(segment i: Int, _ px: Double, _ py: Double, _ qx: Double, _ qy: Double, _ state: inout CrossingState) {
        let a = points[i], b = points[i + 1]
        let ax = a.lon, ay = a.lat, bx = b.lon, by = b.lat
        // Disjoint boxes cannot cross (a crossing by the rule needs a common point).
        if max(ax, bx) < min(px, qx) || min(ax, bx) > max(px, qx) || max(ay, by) < min(py, qy) || min(ay, by) > max(py, qy) {
            return
        }
        let startLeft = Orientation.sign(ax, ay, bx, by, px, py) > 0
        let endLeft = Orientation.sign(ax, ay, bx, by, qx, qy) > 0
        guard startLeft != endLeft else { return }
        let aLeft = Orientation.sign(px, py, qx, qy, ax, ay) > 0
        let bLeft = Orientation.sign(px, py, qx, qy, bx, by) > 0
        guard aLeft != bLeft else { return }
        state.count += 1
        // Where along each segment, in degrees (ratios are the same in any tangent plane).
        let pqx = qx - px, pqy = qy - py, abx = bx - ax, aby = by - ay, apx = ax - px, apy = ay - py
        let denominator = pqx * aby - pqy * abx
        let fraction = denominator != 0 ? (apx * aby - apy * abx) / denominator : 0  // along start → end
        let u = denominator != 0 ? (apx * pqy - apy * pqx) / denominator : 0  // along a → b
        if fraction < state.fraction {
            state.fraction = fraction
            state.along = cumulative[i] + min(max(u, 0), 1) * (cumulative[i + 1] - cumulative[i])
            state.from = startLeft ? .left : .right
        }
    }
}
