extension ZoneIndexBuilder {
    /// Indexes a polygon: its edges go into the cells they meet; every cell of its bounding box
    /// gets the exact status of its centre (a sweep along each row of centres); cells without
    /// edges are then wholly inside or outside, cells with edges get a polygon test.
    mutating func addPolygon(zone: Int, _ polygon: Polygon) {
        let xs = polygon.xs, ys = polygon.ys
        // Edges by the index of their first vertex; zero-length edges never count.
        var edges: [UInt32] = []
        edges.reserveCapacity(polygon.edgeCount)
        for k in 0..<(polygon.ringStarts.count - 1) where polygon.ringStarts[k + 1] - polygon.ringStarts[k] >= 2 {
            for i in polygon.ringStarts[k]..<(polygon.ringStarts[k + 1] - 1) where xs[i] != xs[i + 1] || ys[i] != ys[i + 1] {
                edges.append(UInt32(i))
            }
        }
        let (c0, c1, r0, r1) = window(Box(x0: polygon.minLon, y0: polygon.minLat, x1: polygon.maxLon, y1: polygon.maxLat))
        let columns = c1 - c0 + 1, rows = r1 - r0 + 1
        // (window cell << 32 | edge), sorted: each cell's edges in order, so they form runs.
        var cellEdges: [UInt64] = []
        cellEdges.reserveCapacity(edges.count * 3)
        for edge in edges {
            let k = Int(edge)
            grid.rasterize(xs[k], ys[k], xs[k + 1], ys[k + 1], margin: margin) { column, row in
                guard column >= c0, column <= c1, row >= r0, row <= r1 else { return }
                cellEdges.append(UInt64((row - r0) * columns + (column - c0)) << 32 | UInt64(edge))
            }
        }
        cellEdges.sort()
        let parity = centreParities(xs, ys, edges: edges, c0: c0, c1: c1, r0: r0, r1: r1)
        var next = 0
        var cellList: [UInt32] = []
        for local in 0..<(columns * rows) {
            cellList.removeAll(keepingCapacity: true)
            while next < cellEdges.count, Int(cellEdges[next] >> 32) == local {
                cellList.append(UInt32(truncatingIfNeeded: cellEdges[next]))
                next += 1
            }
            let column = c0 + local % columns, row = r0 + local / columns
            let cell = grid.slot(column, row)
            if cellList.isEmpty {
                if parity[local] { emit(cell: cell, zone: zone, ZoneIndex.Node(kind: ZoneIndex.Node.inside)) }
                continue
            }
            let start = data.count
            let node = polygonNode(xs, ys, box: grid.box(column, row), centre: grid.center(column, row), parity: parity[local], edges: cellList, depth: 0)
            emit(cell: cell, zone: zone, node, dataFrom: start)
        }
    }

    /// The exact status (``Polygon/contains(_:)``'s rule) of the centre of every cell of the
    /// window, row by row: an edge spanning a row's latitude half-open (`lo.y <= y < hi.y`) flips
    /// every centre strictly west of it. The first centre not west of an edge is found from the
    /// rounded crossing and confirmed with exact orientations (they are monotonic along the row).
    func centreParities(_ vx: [Double], _ vy: [Double], edges: [UInt32], c0: Int, c1: Int, r0: Int, r1: Int) -> [Bool] {
        let columns = c1 - c0 + 1, rows = r1 - r0 + 1
        let xs = (c0...c1).map { grid.center($0, r0).x }, ys = (r0...r1).map { grid.center(c0, $0).y }
        var flips = [Bool](repeating: false, count: rows * (columns + 1))
        for edge in edges {
            let k = Int(edge)
            var (lx, ly, hx, hy) = (vx[k], vy[k], vx[k + 1], vy[k + 1])
            guard ly != hy else { continue }
            if ly > hy { (lx, ly, hx, hy) = (hx, hy, lx, ly) }
            let rowFrom = Self.firstIndex(ys) { $0 >= ly }, rowTo = Self.firstIndex(ys) { $0 >= hy }
            guard rowFrom < rowTo else { continue }
            for row in rowFrom..<rowTo {
                let y = ys[row]
                let crossing = lx + (y - ly) * (hx - lx) / (hy - ly)
                let guess = ((crossing - xs[0]) / grid.width).rounded(.down) + 1
                var first = guess < 0 ? 0 : (guess > Double(columns) ? columns : Int(guess))
                func west(_ column: Int) -> Bool { Orientation.sign(lx, ly, hx, hy, xs[column], y) > 0 }
                while first > 0 && !west(first - 1) { first -= 1 }
                while first < columns && west(first) { first += 1 }
                flips[row * (columns + 1) + first].toggle()
            }
        }
        var parity = [Bool](repeating: false, count: rows * columns)
        for row in 0..<rows {
            var inside = false
            for column in stride(from: columns - 1, through: 0, by: -1) {
                if flips[row * (columns + 1) + column + 1] { inside.toggle() }
                parity[row * columns + column] = inside
            }
        }
        return parity
    }

    /// The first index of a sorted array whose element satisfies `predicate` (monotonic).
    static func firstIndex(_ sorted: [Double], where predicate: (Double) -> Bool) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if predicate(sorted[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// The node for a cell (`box`, centre `centre` of known `parity`) met by `edges`: a leaf, or
    /// a split when the edges are many. Its data are appended to ``data``; the returned node's
    /// offset is to be set where it is placed (``ZoneIndex/Node/pointing(to:from:)``).
    mutating func polygonNode(
        _ xs: [Double], _ ys: [Double], box: Box, centre: (x: Double, y: Double), parity: Bool, edges: [UInt32], depth: Int
    ) -> ZoneIndex.Node {
        let side = box.x1 - box.x0
        if edges.count <= Self.leafEdges || depth >= Self.maxDepth || side < 1_000 * margin {
            // Each run of consecutive edges as its count and its vertices.
            var i = 0
            while i < edges.count {
                var j = i + 1
                while j < edges.count && edges[j] == edges[j - 1] + 1 { j += 1 }
                data.append(UInt64(j - i) | (j == edges.count ? ZoneIndex.lastRun : 0))
                for v in Int(edges[i])...(Int(edges[j - 1]) + 1) {
                    data.append(xs[v].bitPattern)
                    data.append(ys[v].bitPattern)
                }
                edgeReferences += j - i
                i = j
            }
            return ZoneIndex.Node(kind: ZoneIndex.Node.leaf, parity: parity)
        }
        let m = min(max((Double(edges.count) / Double(Self.leafEdges)).rounded(.up), 2), 8)
        let n = Int(m)
        let sub = CellGrid(x0: box.x0, y0: box.y0, width: (box.x1 - box.x0) / m, height: (box.y1 - box.y0) / m, columns: n, rows: n)
        let nodes = appendSplitHeader(sub)
        var lists = [[UInt32]](repeating: [], count: n * n)
        for edge in edges {
            let k = Int(edge)
            sub.rasterize(xs[k], ys[k], xs[k + 1], ys[k + 1], margin: margin) { column, row in
                lists[row * n + column].append(edge)
            }
        }
        for row in 0..<n {
            for column in 0..<n {
                let point = sub.center(column, row)
                // The sub-cell's centre is in this cell: its status from the centre's, exactly.
                var inside = parity
                for edge in edges {
                    let k = Int(edge)
                    if Orientation.perturbedSegmentsCross(centre.x, centre.y, point.x, point.y, xs[k], ys[k], xs[k + 1], ys[k + 1]) {
                        inside.toggle()
                    }
                }
                let slot = nodes + row * n + column
                if lists[row * n + column].isEmpty {
                    data[slot] = UInt64(ZoneIndex.Node(kind: inside ? ZoneIndex.Node.inside : ZoneIndex.Node.outside).raw)
                } else {
                    let start = data.count
                    let node = polygonNode(xs, ys, box: sub.box(column, row), centre: point, parity: inside, edges: lists[row * n + column], depth: depth + 1)
                    data[slot] = UInt64(node.pointing(to: start, from: slot).raw)
                }
            }
        }
        return ZoneIndex.Node(kind: ZoneIndex.Node.split)
    }
}
