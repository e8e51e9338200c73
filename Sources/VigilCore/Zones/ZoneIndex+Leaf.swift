extension ZoneIndex {
    /// The polygon leaf test: the reference point's parity, flipped by each crossing of the
    /// segment from the reference point `r` to the query point `q`, over the runs at `start`.
    ///
    /// Written without branches on the data: for every edge `a → b` it decides the four
    /// orientations of `Orientation.perturbedSegmentsCross` with the floating-point filter only
    /// (`Orientation.filtered`), counts a crossing where `a`, `b` are on opposite sides of
    /// `r → q` and `r`, `q` on opposite sides of `a → b`, and keeps the smallest clearance. When
    /// every filter is certain, no orientation is zero and that count is exactly the perturbed
    /// one; otherwise (points on or very near an edge's line) ``exactLeaf(_:at:_:parity:_:_:)``
    /// decides. A vertex shared by two edges of a run is placed against `r → q` once.
    ///
    /// Why by hand: with the straightforward loop (a bounding-box reject, then the exact test), a
    /// point near the line at 10,000 zones (3 leaves, 15 edges) took 580–660 ns, and 230–270 ns
    /// with its leaves skipped: most of it mispredicted branches on edges still arriving from
    /// memory. With this loop: 450–560 ns (`vigil-bench zones`, same session).
    @inline(__always)
    static func leaf(
        _ words: UnsafeBufferPointer<UInt64>, at start: Int, _ r: (x: Double, y: Double), parity: Bool, _ qx: Double, _ qy: Double
    ) -> Bool {
        let rx = r.x, ry = r.y
        var crossings: UInt64 = 0
        var clearance = Double.infinity
        var k = start
        while true {
            let header = words[k]
            var ax = Double(bitPattern: words[k &+ 1]), ay = Double(bitPattern: words[k &+ 2])
            // Side of each vertex of the run against r → q: orient(q, v, r).
            var a = Orientation.filtered(qx, qy, ax, ay, rx, ry)
            clearance = min(clearance, a.clearance)
            let end = k &+ 3 &+ 2 &* Int(truncatingIfNeeded: header & 0xFFFF_FFFF)  // the next run
            k &+= 3
            while k < end {
                let bx = Double(bitPattern: words[k]), by = Double(bitPattern: words[k &+ 1])
                k &+= 2
                let b = Orientation.filtered(qx, qy, bx, by, rx, ry)
                // Sides of r and q against a → b: orient(b, r, a) and orient(b, q, a).
                let sr = Orientation.filtered(bx, by, rx, ry, ax, ay), sq = Orientation.filtered(bx, by, qx, qy, ax, ay)
                crossings ^= (a.value.bitPattern ^ b.value.bitPattern) & (sr.value.bitPattern ^ sq.value.bitPattern)
                clearance = min(clearance, b.clearance, sr.clearance, sq.clearance)
                (ax, ay, a) = (bx, by, b)
            }
            if header & lastRun != 0 { break }
        }
        guard clearance > 0 else { return exactLeaf(words, at: start, r, parity: parity, qx, qy) }
        return parity != (crossings >> 63 != 0)
    }

    /// The leaf test with the exact perturbed crossing test on every edge (for points where the
    /// filter of ``leaf(_:at:_:parity:_:_:)`` is in doubt).
    @inline(never)
    static func exactLeaf(
        _ words: UnsafeBufferPointer<UInt64>, at start: Int, _ r: (x: Double, y: Double), parity: Bool, _ qx: Double, _ qy: Double
    ) -> Bool {
        var inside = parity
        var k = start
        while true {
            let header = words[k]
            k += 1
            let end = k + 2 * Int(truncatingIfNeeded: header & 0xFFFF_FFFF)
            while k < end {
                let ax = Double(bitPattern: words[k]), ay = Double(bitPattern: words[k + 1])
                let bx = Double(bitPattern: words[k + 2]), by = Double(bitPattern: words[k + 3])
                k += 2
                if Orientation.perturbedSegmentsCross(r.x, r.y, qx, qy, ax, ay, bx, by) { inside.toggle() }
            }
            k += 2  // the run's last vertex
            if header & lastRun != 0 { return inside }
        }
    }
}
