/// The spatial index behind ``ZoneSet``: which zones contain a point, at a cost that does not grow
/// with the number of zones, and with exactly the answer of the exact tests.
///
/// A uniform grid in degrees covers every zone (cell size chosen from the data,
/// ``ZoneIndexBuilder``). Each cell lists, in priority order, the zones that meet it, each with a
/// ``Node`` that decides the cell's points:
/// - inside: the whole cell is inside the zone;
/// - leaf: a polygon's edges that meet the cell, copied next to each other, and whether the
///   cell's centre is inside. The query point is inside when that parity, flipped once per edge
///   that the segment from the centre to the query point crosses, says so. The crossings are
///   decided exactly, with the symbolic perturbation that reproduces the half-open ray-casting
///   rule, so the answer is identical to ``Polygon/contains(_:)`` (`docs/geometry.md` has the
///   proof);
/// - split: a sub-grid over the cell whose sub-cells hold nodes in turn (where edges are many,
///   or a band's edge crosses a wide cell); a leaf in a sub-cell starts from the sub-cell's
///   centre;
/// - disc or band: the exact metric test, where the cell is neither provably inside nor outside;
/// - outside (in sub-cells only).
///
/// Layout. Everything a query reads for one cell lies in one block of ``words``, so that a query
/// makes two dependent reads from memory (its cell's start in ``cellStart``, then the block, read
/// forwards) whatever the number of zones in the cell. At 10,000 zones (`vigil-bench zones`) the
/// index is far larger than the caches and a point near the line meets 8.5 zones, 3 of them
/// through a leaf of 5 edges; with the entries, the tests and the edges in three arrays filled
/// zone by zone, such a point read 5 unrelated places in memory (a dependent miss each) and took
/// 1,085–1,335 ns.
///
/// A block is the cell's entries, one word each, then the data of their nodes in the same order.
/// Offsets to data are counted in words from the word holding the node, so a node's data can be
/// copied anywhere along with it (the builder assembles blocks from pieces built zone by zone).
/// - Entry: bits 0–31 the node, bit 32 set on the cell's last entry, bits 33–63 the zone.
/// - Leaf data: runs of consecutive edges, each a word with its edge count (bit 63 set on the
///   last run) followed by its vertices' `x, y` (longitude, latitude) as `Double` bit patterns.
/// - Split data: the sub-grid's `x0, y0, width, height` (bit patterns), its number of sub-cells
///   on a side `n`, then `n × n` nodes (a word each, row by row), then their data.
///
/// A query allocates nothing.
struct ZoneIndex: Sendable {
    /// The top grid.
    let grid: CellGrid
    /// Points outside this box (grown by ``margin`` around every zone) are in no zone.
    let bounds: Box
    /// `words[cellStart[c]..<cellStart[c + 1]]` is cell `c`'s block (empty: no zone meets it).
    let cellStart: [UInt32]
    /// The blocks, one after the other.
    let words: [UInt64]
    let discs: [Disc]
    let bands: [Band]
    /// Slack in degrees by which every cell is grown when deciding what meets it.
    let margin: Double
    /// The index's size.
    let statistics: ZoneIndexStatistics

    /// An entry word's flag for the last entry of a cell.
    static let lastEntry: UInt64 = 1 << 32
    /// A leaf run's flag for the last run.
    static let lastRun: UInt64 = 1 << 63
    /// Words before a split's nodes: `x0, y0, width, height, n`.
    static let splitHeader = 5

    /// How to decide the points of a cell or sub-cell for one zone (32 bits): bits 0–2 the kind,
    /// bit 3 a leaf's parity, bits 4–31 the payload (leaf and split: the offset of the data from
    /// the node's word; disc and band: the index in ``ZoneIndex/discs`` or ``ZoneIndex/bands``).
    struct Node: Sendable {
        var raw: UInt32

        static let inside: UInt32 = 0, outside: UInt32 = 1, leaf: UInt32 = 2, split: UInt32 = 3, disc: UInt32 = 4, band: UInt32 = 5
        static let maxPayload = Int(UInt32.max >> 4)

        init(raw: UInt32) { self.raw = raw }

        init(kind: UInt32, parity: Bool = false, payload: Int = 0) {
            precondition(payload >= 0 && payload <= Self.maxPayload, "zone index too large")
            raw = kind | (parity ? 8 : 0) | UInt32(payload) << 4
        }

        var kind: UInt32 { raw & 7 }
        var parity: Bool { raw & 8 != 0 }
        var payload: Int { Int(raw >> 4) }
        /// Whether the node has data after it (leaf, split).
        var hasData: Bool { kind == Self.leaf || kind == Self.split }

        /// This node with its data (if it has any) at `target`, the node being at `position`.
        func pointing(to target: Int, from position: Int) -> Node {
            hasData ? Node(kind: kind, parity: parity, payload: target - position) : self
        }
    }

    /// The sub-grid of the split whose data starts at `start`.
    @inline(__always)
    static func subgrid(_ words: UnsafeBufferPointer<UInt64>, at start: Int) -> CellGrid {
        let n = Int(words[start + 4])
        return CellGrid(
            x0: Double(bitPattern: words[start]), y0: Double(bitPattern: words[start + 1]),
            width: Double(bitPattern: words[start + 2]), height: Double(bitPattern: words[start + 3]), columns: n, rows: n)
    }

    /// Whether `(qx, qy)`, which lies in the (sub-)cell of `node` whose centre is `centre`, passes
    /// `node`, which is at `position` in `words`.
    @inline(__always)
    func passes(
        _ node: Node, at position: Int, centre: (x: Double, y: Double), _ qx: Double, _ qy: Double, _ words: UnsafeBufferPointer<UInt64>
    ) -> Bool {
        // The kinds of nearly every entry inline, the others in a call.
        if node.kind == Node.inside { return true }
        if node.kind == Node.leaf { return Self.leaf(words, at: position &+ node.payload, centre, parity: node.parity, qx, qy) }
        return passesOther(node, at: position, centre: centre, qx, qy, words)
    }

    /// ``passes(_:at:centre:_:_:_:)`` for every kind.
    func passesOther(
        _ node: Node, at position: Int, centre: (x: Double, y: Double), _ qx: Double, _ qy: Double, _ words: UnsafeBufferPointer<UInt64>
    ) -> Bool {
        var node = node, position = position, centre = centre
        while true {
            switch node.kind {
            case Node.inside:
                return true
            case Node.leaf:
                return Self.leaf(words, at: position + node.payload, centre, parity: node.parity, qx, qy)
            case Node.split:
                let start = position + node.payload
                let sub = Self.subgrid(words, at: start)
                let column = sub.column(qx), row = sub.row(qy)
                centre = sub.center(column, row)
                position = start + Self.splitHeader + row * sub.columns + column
                node = Node(raw: UInt32(truncatingIfNeeded: words[position]))
            case Node.disc:
                return discs[node.payload].contains(GeoPoint(lat: qy, lon: qx))
            case Node.band:
                return bands[node.payload].contains(GeoPoint(lat: qy, lon: qx))
            default:  // outside
                return false
            }
        }
    }

    /// Calls `body` with each zone containing `point`, in priority order, until it returns
    /// `false`.
    @inline(__always)
    func forEachZone(containing point: GeoPoint, _ body: (Int) -> Bool) {
        let x = point.lon, y = point.lat
        guard x >= bounds.x0, x <= bounds.x1, y >= bounds.y0, y <= bounds.y1 else { return }  // NaN too
        let column = grid.column(x), row = grid.row(y)
        let cell = grid.slot(column, row)
        var position = Int(cellStart[cell])
        guard position < Int(cellStart[cell + 1]) else { return }
        let centre = grid.center(column, row)
        words.withUnsafeBufferPointer { words in
            while true {
                let entry = words[position]
                if passes(Node(raw: UInt32(truncatingIfNeeded: entry)), at: position, centre: centre, x, y, words) {
                    guard body(Int(truncatingIfNeeded: entry >> 33)) else { return }
                }
                if entry & Self.lastEntry != 0 { return }
                position += 1
            }
        }
    }

    /// Appends to `result` the zones containing `point`, in priority order.
    @inline(__always)
    func collect(_ point: GeoPoint, into result: inout [Int]) {
        forEachZone(containing: point) { zone in
            result.append(zone)
            return true
        }
    }

    /// Appends to `result` the zones containing `point`, in priority order.
    @inline(__always)
    func collect(_ point: GeoPoint, into result: inout ZoneMatches) {
        forEachZone(containing: point) { zone in
            result.append(zone)
            return true
        }
    }

    /// The first zone (in priority order) containing `point`, if any.
    func first(containing point: GeoPoint) -> Int? {
        var first: Int?
        forEachZone(containing: point) { zone in
            first = zone
            return false
        }
        return first
    }

    /// Every sub-grid of every split (for tests that probe the sub-cells' edges).
    func subgrids() -> [CellGrid] {
        var result: [CellGrid] = []
        words.withUnsafeBufferPointer { words in
            func visit(_ node: Node, at position: Int) {
                guard node.kind == Node.split else { return }
                let start = position + node.payload, sub = Self.subgrid(words, at: start)
                result.append(sub)
                for slot in 0..<(sub.columns * sub.rows) {
                    let at = start + Self.splitHeader + slot
                    visit(Node(raw: UInt32(truncatingIfNeeded: words[at])), at: at)
                }
            }
            for cell in 0..<grid.slotCount where cellStart[cell] < cellStart[cell + 1] {
                var position = Int(cellStart[cell])
                while true {
                    visit(Node(raw: UInt32(truncatingIfNeeded: words[position])), at: position)
                    if words[position] & Self.lastEntry != 0 { break }
                    position += 1
                }
            }
        }
        return result
    }
}
