#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

/// Answers one line of `vigil zones classify`.
struct ZonesClassifier {
    let set: ZoneSet
    let ids: [[UInt8]]  // per zone: its id, prefixed mask: for masks
    let masks: [Int]  // mask indices, highest priority first (ties: listed first)
    let borders: [(id: [UInt8], line: Polyline, names: SideNames)]

    init(_ set: ZoneSet) {
        self.set = set
        ids = set.zones.map { Array((($0.kind == .mask) ? "mask:" + $0.id : $0.id).utf8) }
        masks = set.maskIndices.sorted { Self.before(set, $0, $1) }
        borders = set.borderIndices.compactMap { index in
            guard case .line(let line, let names) = set.zones[index].shape else { return nil }
            return (Array(set.zones[index].id.utf8), line, names)
        }
    }

    /// Whether zone `a` is listed before zone `b`: higher priority first, then file order.
    static func before(_ set: ZoneSet, _ a: Int, _ b: Int) -> Bool {
        let pa = set.zones[a].priority, pb = set.zones[b].priority
        return pa != pb ? pa > pb : a < b
    }

    /// Writes the answer to the line in `[start, stop)`; returns what is wrong with the line instead.
    func answer(_ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int, into output: inout ZonesOutputBuffer) -> String? {
        var position = start
        func skipBlanks() {
            while position < stop && (base[position] == UInt8(ascii: " ") || base[position] == UInt8(ascii: "\t") || base[position] == UInt8(ascii: "\r")) {
                position += 1
            }
        }
        func number() -> Double? {
            skipBlanks()
            guard position < stop else { return nil }
            var end: UnsafeMutablePointer<CChar>?
            let first = UnsafeRawPointer(base + position).assumingMemoryBound(to: CChar.self)
            let value = strtod(first, &end)
            guard let end else { return nil }
            let used = UnsafeRawPointer(end) - UnsafeRawPointer(first)
            guard used > 0, position + used <= stop, value.isFinite else { return nil }
            position += used
            return value
        }
        skipBlanks()
        guard position < stop, base[position] != UInt8(ascii: "#") else { return nil }
        let command = base[position]
        position += 1
        let count: Int
        switch command {
        case UInt8(ascii: "P"): count = 2
        case UInt8(ascii: "S"): count = 4
        default: return "expected P lat lon or S lat1 lon1 lat2 lon2"
        }
        var values: [Double] = []
        for _ in 0..<count {
            guard let value = number() else { return "expected \(count) numbers after \(command == UInt8(ascii: "P") ? "P" : "S")" }
            values.append(value)
        }
        skipBlanks()
        guard position == stop else { return "unexpected text after the numbers" }
        for i in stride(from: 0, to: count, by: 2) where !(-90...90).contains(values[i]) || !(-180...180).contains(values[i + 1]) {
            return "position outside WGS84 bounds"
        }
        if count == 2 {
            point(GeoPoint(lat: values[0], lon: values[1]), into: &output)
        } else {
            segment(GeoPoint(lat: values[0], lon: values[1]), GeoPoint(lat: values[2], lon: values[3]), into: &output)
        }
        return nil
    }

    private func point(_ p: GeoPoint, into output: inout ZonesOutputBuffer) {
        let inside = set.zonesContaining(p)
        let masked = masks.isEmpty ? [] : masks.filter { ZoneSet.contains(set.zones[$0].shape, p) }
        output.append(UInt8(ascii: "P"))
        output.append(UInt8(ascii: " "))
        if inside.isEmpty && masked.isEmpty {
            output.append(UInt8(ascii: "-"))
        } else {
            // zonesContaining's own order, with masks merged in by priority.
            var m = 0
            var first = true
            func put(_ index: Int) {
                if !first { output.append(UInt8(ascii: ",")) }
                output.append(ids[index])
                first = false
            }
            for index in inside {
                while m < masked.count && Self.before(set, masked[m], index) {
                    put(masked[m])
                    m += 1
                }
                put(index)
            }
            while m < masked.count {
                put(masked[m])
                m += 1
            }
        }
        output.append(UInt8(ascii: "\n"))
    }

    private func segment(_ a: GeoPoint, _ b: GeoPoint, into output: inout ZonesOutputBuffer) {
        for border in borders {
            output.append(Array("S ".utf8))
            output.append(border.id)
            if let crossing = border.line.crossing(from: a, to: b) {
                output.append(" \(border.names.name(of: crossing.from))->\(border.names.name(of: crossing.to))\n")
            } else {
                output.append(Array(" none\n".utf8))
            }
        }
    }
}
