#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the live targets are, in cells at least the fusion distance wide, so a new camera track
/// looks for a target to join among the 3 × 3 cells around it instead of among every target.
///
/// Cells are `cellDegreesLat` × `cellDegreesLon`, both at least `distance` metres wide up to the
/// latitude given at creation (the cameras' furthest from the equator, plus a margin).
struct TargetGrid {
    private var cells: [Int64: [UInt64]] = [:]
    private let cellDegreesLat: Double
    private let cellDegreesLon: Double

    init(distance: Double, maxAbsLatitude: Double) {
        let metresPerDegree = 111_320.0
        let cosine = max(cos(min(maxAbsLatitude, 89) * .pi / 180), 0.01)
        cellDegreesLat = max(distance, 1) / 110_574
        cellDegreesLon = max(distance, 1) / (metresPerDegree * cosine)
    }

    /// The cell of `point`.
    @inline(__always)
    func cell(of point: GeoPoint) -> Int64 {
        key(Int64((point.lat / cellDegreesLat).rounded(.down)), Int64((point.lon / cellDegreesLon).rounded(.down)))
    }

    @inline(__always)
    private func key(_ row: Int64, _ col: Int64) -> Int64 { (row << 32) ^ (col & 0xFFFF_FFFF) }

    mutating func insert(_ serial: UInt64, at cell: Int64) {
        cells[cell, default: []].append(serial)
    }

    mutating func remove(_ serial: UInt64, from cell: Int64) {
        guard var list = cells.removeValue(forKey: cell) else { return }
        if let i = list.firstIndex(of: serial) { list.swapAt(i, list.count - 1); list.removeLast() }
        if !list.isEmpty { cells[cell] = list }
    }

    mutating func move(_ serial: UInt64, from old: Int64, to new: Int64) {
        guard old != new else { return }
        remove(serial, from: old)
        insert(serial, at: new)
    }

    /// Calls `body` with every target in the 3 × 3 cells around `point`.
    func forEachNear(_ point: GeoPoint, _ body: (UInt64) -> Void) {
        let row = Int64((point.lat / cellDegreesLat).rounded(.down)), col = Int64((point.lon / cellDegreesLon).rounded(.down))
        for r in (row - 1)...(row + 1) {
            for c in (col - 1)...(col + 1) {
                guard let list = cells[key(r, c)] else { continue }
                for serial in list { body(serial) }
            }
        }
    }
}
