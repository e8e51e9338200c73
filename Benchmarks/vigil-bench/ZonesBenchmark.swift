import ArgumentParser
import Foundation
import VigilConfig
import VigilCore

/// `vigil-bench zones`: the cost of classifying a point against many zones through
/// `ZoneSet`'s index, and of a crossing test against the real border line.
///
/// For each zone count, random polygons (star-shaped or smooth blobs of 100 to 1,000 vertices,
/// radius 0.5 to 5 km, a third with a hole) are spread along the Iraq–Syria border (centres up to
/// 30 km from the line); the index is built (time and size reported); then, over several runs, a
/// fixed set of random points is classified and the median time per point is reported, for
/// points uniform over the zones' extent and for points within 5 km of the line (where targets
/// are). Results are summed into a checksum so that nothing is optimised away. For 10 and 100
/// zones (and 1,000, on fewer points), the same points through the exact test zone by zone
/// (`ZoneSet.contains`) give the cost without the index, and the answers are compared.
///
/// Crossings: random track steps of 1 to 300 m within 3 km of the border line, through
/// `Polyline.crossing(from:to:)`.
struct ZonesBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zones",
        abstract: "Time zone classification through the index (10 to 10,000 zones) and border crossing tests (median ns)."
    )

    @Option(help: "The zones file whose border line the zones are spread along.")
    var zonesFile = "Config/zones.geojson"
    @Option(parsing: .upToNextOption, help: "Zone counts to measure.")
    var counts: [Int] = [10, 100, 1_000, 10_000]
    @Option(help: "Timed runs of each measurement; the median run is reported.")
    var runs = 9
    @Option(help: "Points classified per run.")
    var points = 200_000
    @Option(help: "Crossing tests per run.")
    var crossings = 500_000
    @Option(help: "Random seed.")
    var seed: UInt64 = 20_260_501

    mutating func validate() throws {
        guard runs >= 1, points >= 1, crossings >= 1, !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--runs, --points, --crossings and every --counts value must be at least 1.")
        }
    }

    func run() throws {
        let zones = try ZonesFile.load(path: zonesFile)
        guard let border = zones.lazy.compactMap({ zone -> Polyline? in
            if case .line(let line, _) = zone.shape { return line }
            return nil
        }).first else { throw ValidationError("\(zonesFile): no border zone") }
        print("border: \(border.points.count) vertices, \(Int(border.length / 1_000)) km; \(runs) runs, medians; release build expected")
        print("")
        print("zones   vertices   build ms   index MB   cells      ns/point   ns/point     zones a    exact scan   agree")
        print("                                                    (extent)   (near line)  point      ns/point")
        for count in counts {
            measureClassification(count: count, border: border)
        }
        print("")
        measureCrossings(border: border)
    }

    // MARK: Classification

    func measureClassification(count: Int, border: Polyline) {
        var rng = Generator(seed: seed &+ UInt64(count))
        var zoneList: [Zone] = []
        var vertexCount = 0
        for z in 0..<count {
            let rings = Self.randomPolygon(&rng, near: border)
            vertexCount += rings.reduce(0) { $0 + $1.count - 1 }
            zoneList.append(Zone(id: "z\(z)", name: "z\(z)", kind: .restricted, priority: Int(rng.next() % 5) * 10, shape: .polygon(Polygon(rings: rings))))
        }
        let residentBefore = Self.residentBytes()
        let clock = ContinuousClock()
        var set: ZoneSet?
        let build = clock.measure { set = ZoneSet(zones: zoneList) }
        guard let set else { return }
        let residentAfter = Self.residentBytes()
        let statistics = set.indexStatistics

        // Query points: uniform over the zones' extent, and within 5 km of the line.
        var minLat = Double.infinity, maxLat = -Double.infinity, minLon = Double.infinity, maxLon = -Double.infinity
        for zone in zoneList {
            if case .polygon(let polygon) = zone.shape {
                minLat = min(minLat, polygon.minLat)
                maxLat = max(maxLat, polygon.maxLat)
                minLon = min(minLon, polygon.minLon)
                maxLon = max(maxLon, polygon.maxLon)
            }
        }
        let uniform = (0..<points).map { _ in GeoPoint(lat: rng.double(minLat, maxLat), lon: rng.double(minLon, maxLon)) }
        let nearLine = (0..<points).map { _ in
            border.point(along: rng.double(0, border.length), offset: rng.double(0, 5_000), side: rng.next() % 2 == 0 ? .left : .right)
        }
        var buffer: [Int] = []
        var checksum = 0
        let extentNs = Self.medianNanoseconds(runs: runs, count: uniform.count) {
            for point in uniform {
                set.zones(containing: point, into: &buffer)
                checksum &+= buffer.count &+ (buffer.first ?? 0)
            }
        }
        let nearNs = Self.medianNanoseconds(runs: runs, count: nearLine.count) {
            for point in nearLine {
                set.zones(containing: point, into: &buffer)
                checksum &+= buffer.count &+ (buffer.first ?? 0)
            }
        }
        var hits = 0
        for point in uniform {
            set.zones(containing: point, into: &buffer)
            hits += buffer.count
        }

        // Without the index: every zone's exact test, on fewer points as the count grows.
        var exactText = "-", agreeText = "-"
        if count <= 1_000 {
            let sample = Array(uniform.prefix(count <= 100 ? min(points, 50_000) : min(points, 5_000)))
            let ranked = zoneList.indices.sorted {
                zoneList[$0].priority != zoneList[$1].priority ? zoneList[$0].priority > zoneList[$1].priority : $0 < $1
            }
            var exact: [Int] = []
            let exactNs = Self.medianNanoseconds(runs: min(runs, 3), count: sample.count) {
                for point in sample {
                    exact.removeAll(keepingCapacity: true)
                    for index in ranked where ZoneSet.contains(zoneList[index].shape, point) { exact.append(index) }
                    checksum &+= exact.count
                }
            }
            var agree = 0
            for point in sample {
                exact.removeAll(keepingCapacity: true)
                for index in ranked where ZoneSet.contains(zoneList[index].shape, point) { exact.append(index) }
                set.zones(containing: point, into: &buffer)
                if exact == buffer { agree += 1 }
            }
            exactText = Self.format(exactNs)
            agreeText = "\(agree)/\(sample.count)"
        }
        let buildMs = Self.seconds(build) * 1_000
        let indexMB = Double(statistics.bytes) / 1_048_576
        print(
            Self.pad("\(count)", 8) + Self.pad("\(vertexCount)", 11) + Self.pad(String(format: "%.0f", buildMs), 11)
                + Self.pad(String(format: "%.1f", indexMB), 11) + Self.pad("\(statistics.cells)", 11)
                + Self.pad(Self.format(extentNs), 11) + Self.pad(Self.format(nearNs), 13)
                + Self.pad(String(format: "%.2f", Double(hits) / Double(uniform.count)), 11) + Self.pad(exactText, 13) + agreeText)
        print(
            String(
                format: "        index: cell %.4f°, %d entries, %d tests, %d sub-cells, %d edge references; RSS +%.0f MB during build (checksum %d)",
                statistics.cellDegrees, statistics.entries, statistics.tests, statistics.subcells, statistics.edgeReferences,
                Double(max(residentAfter - residentBefore, 0)) / 1_048_576, checksum % 10))
    }

    /// A random polygon of 100 to 1,000 vertices near the line: a star (radius jittered at each
    /// vertex) or a blob (a few smooth harmonics), radius 0.5 to 5 km, a third with a hole.
    static func randomPolygon(_ rng: inout Generator, near line: Polyline) -> [[GeoPoint]] {
        let center = line.point(along: rng.double(0, line.length), offset: rng.double(0, 30_000), side: rng.next() % 2 == 0 ? .left : .right)
        let plane = LocalPlane(origin: center)
        let radius = rng.double(500, 5_000)
        let vertices = Int(rng.next() % 901) + 100
        let star = rng.next() % 2 == 0
        var harmonics: [(amplitude: Double, frequency: Double, phase: Double)] = []
        for frequency in 2...5 { harmonics.append((rng.double(0, 0.25 / Double(frequency - 1)), Double(frequency), rng.double(0, 2 * .pi))) }
        func ring(_ scale: Double, _ count: Int) -> [GeoPoint] {
            var points: [GeoPoint] = []
            for i in 0..<count {
                let angle = 2 * Double.pi * Double(i) / Double(count)
                var r = scale
                if star {
                    r *= rng.double(0.6, 1)
                } else {
                    for h in harmonics { r *= 1 + h.amplitude * sin(h.frequency * angle + h.phase) }
                }
                points.append(plane.unproject(Vector2(x: r * cos(angle), y: r * sin(angle))))
            }
            points.append(points[0])
            return points
        }
        var rings = [ring(radius, vertices)]
        if rng.next() % 3 == 0 { rings.append(ring(radius * 0.25, max(vertices / 4, 8))) }
        return rings
    }

    // MARK: Crossings

    func measureCrossings(border: Polyline) {
        var rng = Generator(seed: seed)
        var segments: [(GeoPoint, GeoPoint)] = []
        segments.reserveCapacity(crossings)
        for _ in 0..<crossings {
            let start = border.point(along: rng.double(0, border.length), offset: rng.double(0, 3_000), side: rng.next() % 2 == 0 ? .left : .right)
            let length = rng.double(1, 300), heading = rng.double(0, 2 * .pi)
            segments.append((start, LocalPlane(origin: start).unproject(Vector2(x: length * sin(heading), y: length * cos(heading)))))
        }
        var crossed = 0
        for (start, end) in segments where border.crossing(from: start, to: end) != nil { crossed += 1 }
        var checksum = 0.0
        let ns = Self.medianNanoseconds(runs: runs, count: segments.count) {
            for (start, end) in segments {
                if let crossing = border.crossing(from: start, to: end) { checksum += crossing.along }
            }
        }
        var proximityChecksum = 0.0
        let proximityNs = Self.medianNanoseconds(runs: runs, count: segments.count) {
            for (start, _) in segments { proximityChecksum += border.proximity(of: start)?.distance ?? 0 }
        }
        print("crossing test against the border line (\(border.points.count - 1) segments), track steps of 1-300 m within 3 km of it:")
        print("  \(Self.format(ns)) ns per crossing test (median of \(runs) runs of \(segments.count); \(crossed) steps cross; checksum \(Int(checksum) % 10))")
        print("  \(Self.format(proximityNs)) ns per proximity (distance and side) of the step's start (checksum \(Int(proximityChecksum) % 10))")
    }

    // MARK: Measuring

    /// The median over `runs` of the time per item of `body` (which handles `count` items), in
    /// nanoseconds, after one warm-up run.
    static func medianNanoseconds(runs: Int, count: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for run in 0...runs {
            let elapsed = clock.measure(body)
            if run > 0 { samples.append(seconds(elapsed) * 1e9 / Double(count)) }
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Resident set size, from /proc/self/statm (0 where unavailable).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : (value < 100 ? "%.1f" : "%.0f"), value)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// SplitMix64: reproducible zones and points.
    struct Generator {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func double(_ low: Double, _ high: Double) -> Double {
            low + (high - low) * Double(next() >> 11) * 0x1p-53
        }
    }
}
