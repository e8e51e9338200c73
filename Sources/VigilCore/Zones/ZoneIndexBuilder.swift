#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a ``ZoneIndex`` from area zones listed in priority order.
///
/// Cell size: the smallest of
/// - `0.5 · area / Σ boundary`, where `area` is the extent of all zones in square degrees and
///   the boundary of a zone is its perimeter in degrees (weighted by what a boundary cell costs:
///   polygons 1, discs 0.5, bands 2 for both sides and 3 for one side): at that size a random
///   point falls in a boundary cell of some zone about a third of the time, whatever the number
///   of zones;
/// - ``leafEdges`` times the polygons' mean edge length: a boundary cell then holds about that
///   many edges of a zone, and needs no sub-grid;
/// - the size that gives 4 cells per zone (so that small zones are not lumped together);
/// and at least the size that gives 2²² cells.
///
/// A boundary cell with more than ``leafEdges`` polygon edges is split into a sub-grid
/// (recursively, up to ``maxDepth`` levels), and a band's boundary cell wider than a quarter of
/// the band is split the same way, so that the exact work per query stays small where zones are
/// detailed. `docs/geometry.md` (section 5) has the design and measured costs.
struct ZoneIndexBuilder {
    /// Boundary cells with more polygon edges than this are split.
    static let leafEdges = 16
    /// Levels of sub-grids at most.
    static let maxDepth = 4
    /// Cells at most in the top grid.
    static let maxCells = 1 << 22

    let grid: CellGrid
    let bounds: Box
    let margin: Double
    var discs: [Disc] = []
    var bands: [Band] = []
    /// Every zone meeting a cell, in priority order of the zones, its node's data in ``data``.
    var pieces: [Piece] = []
    /// The pieces' data, one after the other, laid out as in ``ZoneIndex/words`` (offsets from
    /// node to data within a piece are relative, so ``finish()`` copies each piece as it is).
    var data: [UInt64] = []
    /// Splits, their sub-cells, and edges in leaves (statistics).
    var splits = 0, subcells = 0, edgeReferences = 0

    /// A zone meeting a cell: the entry's node, whose data (if any) is
    /// `data[start..<` the next piece's start`]`.
    struct Piece {
        var cell: UInt32
        var zone: UInt32
        var node: ZoneIndex.Node
        var start: UInt32
    }

    /// The shapes to index, prepared.
    enum Prepared {
        case polygon(Polygon)
        case disc(Disc)
        case band(Band)
    }

    /// Builds the index of `zones` (zone index and shape, highest priority first; lines skipped).
    static func build(_ zones: [(index: Int, shape: ZoneShape)]) -> ZoneIndex {
        var prepared: [(index: Int, shape: Prepared, box: Box, weight: Double)] = []
        for (index, shape) in zones {
            switch shape {
            case .line:
                continue
            case .polygon(let polygon):
                guard polygon.edgeCount > 0 else { continue }
                let box = Box(x0: polygon.minLon, y0: polygon.minLat, x1: polygon.maxLon, y1: polygon.maxLat)
                prepared.append((index, .polygon(polygon), box, perimeter(polygon)))
            case .circle(let center, let radius):
                let disc = Disc(center: center, radius: radius)
                let box = disc.box
                prepared.append((index, .disc(disc), box, 0.5 * .pi * (box.x1 - box.x0 + box.y1 - box.y0)))
            case .band(let line, let width, let side):
                let band = Band(line: line, width: width, side: side)
                var box = Box(x0: .infinity, y0: .infinity, x1: -.infinity, y1: -.infinity)
                var length = 0.0
                for i in 0..<(line.points.count - 1) {
                    let padded = PolylineGrid.paddedBox(line.points[i], line.points[i + 1], reach: band.effectiveWidth)
                    box = Box(x0: min(box.x0, padded.x0), y0: min(box.y0, padded.y0), x1: max(box.x1, padded.x1), y1: max(box.y1, padded.y1))
                    length += hypot(line.points[i + 1].lon - line.points[i].lon, line.points[i + 1].lat - line.points[i].lat)
                }
                prepared.append((index, .band(band), box, length * (side == nil ? 2 : 3)))
            }
        }
        var edges = 0, perimeter = 0.0
        for zone in prepared {
            if case .polygon(let polygon) = zone.shape {
                edges += polygon.edgeCount
                perimeter += zone.weight
            }
        }
        let leafCell = edges > 0 ? Double(Self.leafEdges) * perimeter / Double(edges) : .infinity
        var builder = ZoneIndexBuilder(prepared.map { ($0.box, $0.weight) }, leafCell: leafCell)
        for zone in prepared {
            switch zone.shape {
            case .polygon(let polygon): builder.addPolygon(zone: zone.index, polygon)
            case .disc(let disc): builder.addDisc(zone: zone.index, disc)
            case .band(let band): builder.addBand(zone: zone.index, band)
            }
        }
        return builder.finish()
    }

    /// Chooses the grid for zones with these boxes and boundary weights; `leafCell` is the side
    /// at which a cell on a polygon's boundary holds about ``leafEdges`` edges.
    init(_ zones: [(box: Box, weight: Double)], leafCell: Double) {
        guard !zones.isEmpty else {
            grid = CellGrid(x0: 0, y0: 0, width: 1, height: 1, columns: 1, rows: 1)
            bounds = Box(x0: .infinity, y0: .infinity, x1: -.infinity, y1: -.infinity)
            margin = 1e-11
            return
        }
        var extent = zones[0].box
        var weight = 0.0
        for zone in zones {
            extent = Box(x0: min(extent.x0, zone.box.x0), y0: min(extent.y0, zone.box.y0), x1: max(extent.x1, zone.box.x1), y1: max(extent.y1, zone.box.y1))
            weight += zone.weight
        }
        let width = max(extent.x1 - extent.x0, 1e-9), height = max(extent.y1 - extent.y0, 1e-9)
        let area = width * height
        var cell = weight > 0 ? 0.5 * area / weight : max(width, height)
        cell = min(cell, leafCell, (area / Double(4 * zones.count)).squareRoot(), max(width, height))
        cell = max(cell, (area / Double(Self.maxCells)).squareRoot() * 1.01, 1e-7)
        margin = cell * 1e-9 + 1e-11
        bounds = extent.grown(by: 4 * margin)
        let columns = Int(((bounds.x1 - bounds.x0) / cell).rounded(.down)) + 1
        let rows = Int(((bounds.y1 - bounds.y0) / cell).rounded(.down)) + 1
        grid = CellGrid(x0: bounds.x0, y0: bounds.y0, width: cell, height: cell, columns: columns, rows: rows)
    }

    /// A polygon's perimeter in degrees.
    static func perimeter(_ polygon: Polygon) -> Double {
        var total = 0.0
        for k in 0..<(polygon.ringStarts.count - 1) where polygon.ringStarts[k + 1] - polygon.ringStarts[k] >= 2 {
            for i in polygon.ringStarts[k]..<(polygon.ringStarts[k + 1] - 1) {
                total += hypot(polygon.xs[i + 1] - polygon.xs[i], polygon.ys[i + 1] - polygon.ys[i])
            }
        }
        return total
    }

    /// The window of top-level cells that `box` (grown by the margin) meets.
    func window(_ box: Box) -> (c0: Int, c1: Int, r0: Int, r1: Int) {
        let grown = box.grown(by: margin)
        return (grid.column(grown.x0), grid.column(grown.x1), grid.row(grown.y0), grid.row(grown.y1))
    }

    /// Adds `zone` to `cell` with `node`, whose data (if any) are the words appended to ``data``
    /// since `start`.
    mutating func emit(cell: Int, zone: Int, _ node: ZoneIndex.Node, dataFrom start: Int? = nil) {
        precondition(zone < 1 << 31 && data.count <= Int(UInt32.max), "zone index too large")
        pieces.append(Piece(cell: UInt32(cell), zone: UInt32(zone), node: node, start: UInt32(start ?? data.count)))
    }

    /// Appends a split's header for the sub-grid `sub` (n × n) and room for its nodes (outside
    /// until set); returns the position of the first node.
    mutating func appendSplitHeader(_ sub: CellGrid) -> Int {
        data.append(contentsOf: [sub.x0.bitPattern, sub.y0.bitPattern, sub.width.bitPattern, sub.height.bitPattern, UInt64(sub.columns)])
        let nodes = data.count
        data.append(contentsOf: repeatElement(UInt64(ZoneIndex.Node(kind: ZoneIndex.Node.outside).raw), count: sub.columns * sub.rows))
        splits += 1
        subcells += sub.columns * sub.rows
        return nodes
    }

    /// Lays the pieces out cell by cell (stable, so each cell keeps the priority order): each
    /// cell's entries, then their data.
    func finish() -> ZoneIndex {
        let cells = grid.slotCount
        func dataEnd(_ piece: Int) -> Int { piece + 1 < pieces.count ? Int(pieces[piece + 1].start) : data.count }
        // Counting sort of the pieces by cell; each block's size (at `cellStart[c + 1]` until
        // summed into the starts).
        var first = [Int](repeating: 0, count: cells + 1)
        var cellStart = [UInt32](repeating: 0, count: cells + 1)
        for (k, piece) in pieces.enumerated() {
            first[Int(piece.cell) + 1] += 1
            cellStart[Int(piece.cell) + 1] += UInt32(1 + dataEnd(k) - Int(piece.start))
        }
        var total = 0
        for c in 0..<cells {
            first[c + 1] += first[c]
            total += Int(cellStart[c + 1])
            precondition(total <= Int(UInt32.max), "zone index too large")
            cellStart[c + 1] = UInt32(total)
        }
        var order = [UInt32](repeating: 0, count: pieces.count)
        var fill = first
        for (k, piece) in pieces.enumerated() {
            order[fill[Int(piece.cell)]] = UInt32(k)
            fill[Int(piece.cell)] += 1
        }
        let words = [UInt64](unsafeUninitializedCapacity: total) { words, count in
            data.withUnsafeBufferPointer { data in
                for c in 0..<cells where first[c] < first[c + 1] {
                    let entries = Int(cellStart[c])
                    var position = entries + first[c + 1] - first[c]
                    for slot in first[c]..<first[c + 1] {
                        let k = Int(order[slot]), piece = pieces[k], at = entries + slot - first[c]
                        var node = piece.node
                        if node.hasData {
                            node = node.pointing(to: position, from: at)
                            let source = data[Int(piece.start)..<dataEnd(k)]
                            _ = words[position..<(position + source.count)].initialize(fromContentsOf: source)
                            position += source.count
                        }
                        words[at] = UInt64(node.raw) | UInt64(piece.zone) << 33 | (slot == first[c + 1] - 1 ? ZoneIndex.lastEntry : 0)
                    }
                }
            }
            count = total
        }
        let bytes = cellStart.count * MemoryLayout<UInt32>.stride + words.count * MemoryLayout<UInt64>.stride
            + discs.count * MemoryLayout<Disc>.stride + bands.count * MemoryLayout<Band>.stride
        let statistics = ZoneIndexStatistics(
            cells: grid.cellCount, cellDegrees: grid.width, entries: pieces.count, tests: splits, subcells: subcells,
            edgeReferences: edgeReferences, bytes: bytes)
        return ZoneIndex(
            grid: grid, bounds: bounds, cellStart: cellStart, words: words, discs: discs, bands: bands, margin: margin,
            statistics: statistics)
    }
}
