extension ZoneIndexBuilder {
    /// Sub-grids of a band's boundary cells are this many cells on a side.
    static let bandSplit = 4
    /// Levels of sub-grids for bands at most.
    static let bandDepth = 3

    /// Indexes a band: each cell gets the segments of the line that may come within the band's
    /// width of it, and is classified conservatively as wholly inside, wholly outside, or needing
    /// the exact test (``classify(_:_:_:)``); boundary cells wider than a quarter of the band are
    /// split so that the band's interior is mostly answered without the exact test.
    mutating func addBand(zone: Int, _ band: Band) {
        bands.append(band)
        let exact = ZoneIndex.Node(kind: ZoneIndex.Node.band, payload: bands.count - 1)
        let points = band.line.points
        var boxes: [Box] = []
        var union = Box(x0: .infinity, y0: .infinity, x1: -.infinity, y1: -.infinity)
        for i in 0..<(points.count - 1) {
            let padded = PolylineGrid.paddedBox(points[i], points[i + 1], reach: band.effectiveWidth)
            let box = Box(x0: padded.x0, y0: padded.y0, x1: padded.x1, y1: padded.y1)
            boxes.append(box)
            union = Box(x0: min(union.x0, box.x0), y0: min(union.y0, box.y0), x1: max(union.x1, box.x1), y1: max(union.y1, box.y1))
        }
        let (c0, c1, r0, _) = window(union)
        let columns = c1 - c0 + 1
        var cellSegments: [UInt64] = []
        for (i, box) in boxes.enumerated() {
            let (a0, a1, b0, b1) = window(box)
            for row in b0...b1 {
                for column in a0...a1 { cellSegments.append(UInt64((row - r0) * columns + (column - c0)) << 32 | UInt64(i)) }
            }
        }
        cellSegments.sort()
        var next = 0
        var segments: [UInt32] = []
        while next < cellSegments.count {
            let local = Int(cellSegments[next] >> 32)
            segments.removeAll(keepingCapacity: true)
            while next < cellSegments.count, Int(cellSegments[next] >> 32) == local {
                segments.append(UInt32(truncatingIfNeeded: cellSegments[next]))
                next += 1
            }
            let column = c0 + local % columns, row = r0 + local / columns
            let cell = grid.slot(column, row)
            let start = data.count
            let node = bandNode(band, box: grid.box(column, row), segments: segments, exact: exact, depth: 0)
            if node.kind != ZoneIndex.Node.outside { emit(cell: cell, zone: zone, node, dataFrom: start) }
        }
    }

    /// The node of a cell (`box`) near the given segments of the band's line; its data (a split's)
    /// are appended to ``data``, as for ``polygonNode(_:_:box:centre:parity:edges:depth:)``.
    mutating func bandNode(_ band: Band, box: Box, segments: [UInt32], exact: ZoneIndex.Node, depth: Int) -> ZoneIndex.Node {
        switch Self.classify(band, box.grown(by: margin), segments) {
        case true?: return ZoneIndex.Node(kind: ZoneIndex.Node.inside)
        case false?: return ZoneIndex.Node(kind: ZoneIndex.Node.outside)
        case nil: break
        }
        let middle = GeoPoint(lat: (box.y0 + box.y1) / 2, lon: (box.x0 + box.x1) / 2)
        let widthMetres = (box.x1 - box.x0) * LocalPlane(origin: middle).metresPerDegreeLon
        guard depth < Self.bandDepth, widthMetres > band.effectiveWidth / 4 else { return exact }
        let n = Self.bandSplit
        let sub = CellGrid(
            x0: box.x0, y0: box.y0, width: (box.x1 - box.x0) / Double(n), height: (box.y1 - box.y0) / Double(n), columns: n, rows: n)
        let nodes = appendSplitHeader(sub)
        for row in 0..<n {
            for column in 0..<n {
                let slot = nodes + row * n + column, start = data.count
                let node = bandNode(band, box: sub.box(column, row), segments: segments, exact: exact, depth: depth + 1)
                data[slot] = UInt64(node.pointing(to: start, from: slot).raw)
            }
        }
        return ZoneIndex.Node(kind: ZoneIndex.Node.split)
    }

    /// Whether every point of `box` is in the band (`true`), none is (`false`), or either may be
    /// (`nil`), given every segment of the line that may come within the band's width of `box`.
    ///
    /// ``Band/contains(_:)`` measures in the tangent plane at the query point, whose scales lie
    /// between those at the box's extreme latitudes: distances computed with the smallest scales
    /// are lower bounds, with the largest upper bounds. Inside: one segment is within the width
    /// of all four corners (distance to a segment is convex). Outside: no segment comes within
    /// the width of the box. For a one-sided band, every segment that could be the nearest (its
    /// lower bound under the best upper bound) must also leave the whole box strictly on one
    /// side, which fixes the side whatever the tie-breaking (a vertex's pseudo-normal is then on
    /// that side too). Margins: a relative 1e-9 of the width plus 1 µm on distances, 0.1 mm on
    /// sides; the exact test's rounding is under a nanometre.
    static func classify(_ band: Band, _ box: Box, _ segments: [UInt32]) -> Bool? {
        let width = band.effectiveWidth
        let points = band.line.points
        let nearest = box.y0 > 0 ? box.y0 : (box.y1 < 0 ? -box.y1 : 0)
        let farthest = min(max(abs(box.y0), abs(box.y1)), 89.999)
        let nearPlane = LocalPlane(origin: GeoPoint(lat: nearest, lon: 0)), farPlane = LocalPlane(origin: GeoPoint(lat: farthest, lon: 0))
        let kxMin = farPlane.metresPerDegreeLon * (1 - 1e-9), kxMax = nearPlane.metresPerDegreeLon * (1 + 1e-9)
        let kyMin = nearPlane.metresPerDegreeLat * (1 - 1e-9), kyMax = farPlane.metresPerDegreeLat * (1 + 1e-9)
        let slack = width * 1e-9 + 1e-6
        let corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)]
        var upper = Double.infinity, anyNear = false
        var lowers: [Double] = []
        lowers.reserveCapacity(segments.count)
        for s in segments {
            let a = points[Int(s)], b = points[Int(s) + 1]
            let lower = boxSegmentDistance(box, a.lon, a.lat, b.lon, b.lat, kxMin, kyMin)
            lowers.append(lower)
            if lower <= width + slack { anyNear = true }
            var far = 0.0
            for (x, y) in corners { far = max(far, pointSegmentDistance(x, y, a.lon, a.lat, b.lon, b.lat, kxMax, kyMax)) }
            upper = min(upper, far)
        }
        if !anyNear { return false }
        guard upper <= width - slack else { return nil }
        guard let side = band.side else { return true }
        let sideSlack = 1e-4, scale = min(kxMin, kyMin)
        var allLeft = true, allRight = true
        for (k, s) in segments.enumerated() where lowers[k] <= upper + slack {
            let a = points[Int(s)], b = points[Int(s) + 1]
            let dx = b.lon - a.lon, dy = b.lat - a.lat, length = (dx * dx + dy * dy).squareRoot()
            guard length > 0 else { return nil }
            for (x, y) in corners {
                let signed = (dx * (y - a.lat) - dy * (x - a.lon)) / length * scale
                if !(signed > sideSlack) { allLeft = false }
                if !(signed < -sideSlack) { allRight = false }
            }
            if !allLeft && !allRight { return nil }
        }
        if allLeft { return side == .left }
        if allRight { return side == .right }
        return nil
    }

    /// Distance from `(px, py)` to segment `a`–`b`, scaling degrees by `kx` and `ky` metres.
    static func pointSegmentDistance(
        _ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ kx: Double, _ ky: Double
    ) -> Double {
        let ex = (ax - px) * kx, ey = (ay - py) * ky, dx = (bx - ax) * kx, dy = (by - ay) * ky
        let lengthSquared = dx * dx + dy * dy
        var t = lengthSquared > 0 ? -(ex * dx + ey * dy) / lengthSquared : 0
        t = min(max(t, 0), 1)
        let x = ex + dx * t, y = ey + dy * t
        return (x * x + y * y).squareRoot()
    }

    /// Distance from `box` to segment `a`–`b` with the same scaling (0 when they meet).
    static func boxSegmentDistance(
        _ box: Box, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ kx: Double, _ ky: Double
    ) -> Double {
        // Liang–Barsky: does the segment enter the box?
        var t0 = 0.0, t1 = 1.0
        let dx = bx - ax, dy = by - ay
        var meets = true
        for (p, q) in [(-dx, ax - box.x0), (dx, box.x1 - ax), (-dy, ay - box.y0), (dy, box.y1 - ay)] {
            if p == 0 {
                if q < 0 { meets = false }
            } else if p < 0 {
                t0 = max(t0, q / p)
            } else {
                t1 = min(t1, q / p)
            }
        }
        if meets && t0 <= t1 { return 0 }
        // Disjoint convex sets: the distance is reached at a vertex of one of them.
        func pointBox(_ x: Double, _ y: Double) -> Double {
            let ex = max(box.x0 - x, 0, x - box.x1) * kx, ey = max(box.y0 - y, 0, y - box.y1) * ky
            return (ex * ex + ey * ey).squareRoot()
        }
        var distance = min(pointBox(ax, ay), pointBox(bx, by))
        for (x, y) in [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)] {
            distance = min(distance, pointSegmentDistance(x, y, ax, ay, bx, by, kx, ky))
        }
        return distance
    }
}
