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
    var tests: [ZoneIndex.CellTest] = []
    var chunks: [Double] = []
    var discs: [Disc] = []
    var bands: [Band] = []
    /// Cell and entry of every zone meeting a cell, in priority order of the zones.
    var pairCells: [UInt32] = []
    var pairEntries: [ZoneIndex.Entry] = []
    /// Sub-cells of splits and edges in leaves (statistics).
    var subcells = 0, edgeReferences = 0

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

    mutating func emit(cell: Int, _ entry: ZoneIndex.Entry) {
        pairCells.append(UInt32(cell))
        pairEntries.append(entry)
    }

    mutating func append(_ test: ZoneIndex.CellTest) -> UInt32 {
        tests.append(test)
        return UInt32(tests.count - 1)
    }

    /// Sorts the entries by cell (stable, so each cell keeps the priority order) into the index.
    func finish() -> ZoneIndex {
        let cells = grid.cellCount
        var start = [UInt32](repeating: 0, count: cells + 1)
        for cell in pairCells { start[Int(cell) + 1] += 1 }
        for c in 0..<cells { start[c + 1] += start[c] }
        var fill = start
        var entries = [ZoneIndex.Entry](repeating: .inside(0), count: pairCells.count)
        for (cell, entry) in zip(pairCells, pairEntries) {
            entries[Int(fill[Int(cell)])] = entry
            fill[Int(cell)] += 1
        }
        let bytes = start.count * MemoryLayout<UInt32>.stride + entries.count * MemoryLayout<ZoneIndex.Entry>.stride
            + tests.count * MemoryLayout<ZoneIndex.CellTest>.stride + chunks.count * MemoryLayout<Double>.stride
            + discs.count * MemoryLayout<Disc>.stride + bands.count * MemoryLayout<Band>.stride
        let statistics = ZoneIndexStatistics(
            cells: grid.cellCount, cellDegrees: grid.width, entries: entries.count, tests: tests.count, subcells: subcells,
            edgeReferences: edgeReferences, bytes: bytes)
        return ZoneIndex(
            grid: grid, bounds: bounds, cellStart: start, entries: entries, tests: tests, chunks: chunks, discs: discs,
            bands: bands, margin: margin, statistics: statistics)
    }
}
