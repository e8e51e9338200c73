import ArgumentParser
import Foundation
import VigilConfig
import VigilCore

/// `vigil coverage`: how much of each border line the configured cameras cover, the stretches
/// they leave uncovered, and the gaps that cameras going down would open.
struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the cameras' coverage of each border line, its holes, and the gaps cameras going down would open.",
        discussion: """
            A camera covers the part of a border line within its range and field of view (what it \
            sees). For each border zone: its length, the km covered and the share, the covered \
            stretches (km from the line's first vertex, the cameras covering each) and the uncovered \
            ones (with the latitude and longitude of their ends), so that a planner sees the holes \
            before deploying. With --down, also the gaps those cameras would open: stretches the \
            configured cameras cover but the others do not, with the cameras that would cover each.

            --json prints one object; km are rounded to the millimetre, lat/lon to 1e-7:
              {"config", "down": [camera ids], "min_gap_m",
               "length_km", "covered_km", "covered_pct", "live_covered_km",
               "borders": [{"zone", "name", "cameras" (how many cover it),
                            "length_km", "covered_km", "covered_pct", "live_covered_km",
                            "covered": [S], "uncovered": [S], "gaps": [S]}],
               "idle_cameras": [ids of the cameras covering no border line]}
              S = {"from_km", "to_km", "length_km", "from": {"lat", "lon"},
                   "to": {"lat", "lon"}, "cameras": [ids]}
            The top-level figures add up the borders. live_covered_km leaves out the \
            --down cameras (without --down it is covered_km, and gaps is empty). A \
            stretch's cameras are those covering (part of) it: for a gap, the cameras \
            down that would; none for an uncovered stretch.

            Exit status: 0; 64 for an unknown camera id; 78 for a configuration error.
            """)

    @Option(help: "vigild's configuration file; the zones and cameras files it names are read.")
    var config = "Config/vigild.yaml"

    @Flag(help: "Print one JSON object (described above) instead of tables.")
    var json = false

    @Option(help: ArgumentHelp("A camera to take as down (repeatable): list the gaps its loss opens.", valueName: "camera-id"))
    var down: [String] = []

    @Option(name: .customLong("min-gap-m"), help: "With --down, leave out gaps shorter than this many metres.")
    var minGapM: Double = 0

    func run() throws {
        let configuration = try loadConfiguration(config)
        let cameras = configuration.cameras
        var downIndices = Set<Int>()
        for id in down {
            guard let index = cameras.firstIndex(where: { $0.id == id }) else {
                FileHandle.standardError.write(Data("vigil: --down \(id): no camera with that id in the configuration\n".utf8))
                throw ExitCode(64)  // EX_USAGE
            }
            downIndices.insert(index)
        }
        let report = CoverageReport(
            config: config, cameras: cameras, zones: configuration.zones, down: downIndices, minGapM: minGapM)
        let text: String
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        } else {
            text = report.table()
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// What `vigil coverage` prints: computed once, rendered as tables or encoded as JSON (the
/// property names, in snake case, are the JSON keys).
struct CoverageReport: Encodable {
    /// A position, rounded to 1e-7 degrees (1 cm).
    struct Position: Encodable {
        var lat: Double
        var lon: Double

        init(_ point: GeoPoint) {
            lat = (point.lat * 1e7).rounded() / 1e7
            lon = (point.lon * 1e7).rounded() / 1e7
        }
    }

    /// A stretch of a border line, in km rounded to the millimetre.
    struct Stretch: Encodable {
        var fromKm: Double
        var toKm: Double
        var lengthKm: Double
        var from: Position
        var to: Position
        var cameras: [String]

        init(_ stretch: CoverageStretch, cameras: [String]) {
            fromKm = km(stretch.fromKm)
            toKm = km(stretch.toKm)
            lengthKm = km(stretch.lengthKm)
            from = Position(stretch.from)
            to = Position(stretch.to)
            self.cameras = cameras
        }
    }

    /// One border line.
    struct Border: Encodable {
        var zone: String
        var name: String
        var lengthKm: Double
        var coveredKm: Double
        var coveredPct: Double
        var liveCoveredKm: Double
        var cameras: Int
        var covered: [Stretch]
        var uncovered: [Stretch]
        var gaps: [Stretch]
    }

    var config: String
    var down: [String]
    var minGapM: Double
    var lengthKm: Double
    var coveredKm: Double
    var coveredPct: Double
    var liveCoveredKm: Double
    var borders: [Border]
    var idleCameras: [String]

    init(config: String, cameras: [Camera], zones: [Zone], down: Set<Int>, minGapM: Double) {
        let coverage = BorderCoverage(cameras: cameras, zones: zones)
        func ids(_ indices: [Int]) -> [String] { indices.map { cameras[$0].id } }
        let covered = coverage.covered { _ in true }
        let uncovered = coverage.uncovered { _ in true }
        let live = coverage.covered { !down.contains($0) }
        let gaps = coverage.gaps(live: { !down.contains($0) }, minLengthM: minGapM)
        borders = coverage.borders.map { zone in
            let length = coverage.borderLengthKm[zone] ?? 0
            let mine = covered.filter { $0.border == zone }
            let coveredKm = mine.reduce(0) { $0 + $1.lengthKm }
            let cameraCount = cameras.indices.filter { coverage.intervals(camera: $0).contains { $0.border == zone } }.count
            return Border(
                zone: zones[zone].id, name: zones[zone].name, lengthKm: km(length), coveredKm: km(coveredKm),
                coveredPct: percent(coveredKm, of: length),
                liveCoveredKm: km(live.filter { $0.border == zone }.reduce(0) { $0 + $1.lengthKm }),
                cameras: cameraCount,
                covered: mine.map { Stretch($0, cameras: ids(coverage.cameras(covering: $0))) },
                uncovered: uncovered.filter { $0.border == zone }.map { Stretch($0, cameras: []) },
                gaps: gaps.filter { $0.stretch.border == zone }.map { Stretch($0.stretch, cameras: ids($0.cameras)) })
        }
        let totalLength = coverage.borders.reduce(0) { $0 + (coverage.borderLengthKm[$1] ?? 0) }
        let totalCovered = covered.reduce(0) { $0 + $1.lengthKm }
        self.config = config
        self.down = ids(down.sorted())
        self.minGapM = minGapM
        lengthKm = km(totalLength)
        coveredKm = km(totalCovered)
        coveredPct = percent(totalCovered, of: totalLength)
        liveCoveredKm = km(live.reduce(0) { $0 + $1.lengthKm })
        idleCameras = ids(cameras.indices.filter { coverage.intervals(camera: $0).isEmpty })
    }

    /// The report as tables, for people.
    func table() -> String {
        var out = ""
        for border in borders {
            out += "\(border.zone) (\(border.name)): \(fixed(border.lengthKm, 3)) km, \(fixed(border.coveredKm, 3)) km covered "
            out += "(\(fixed(border.coveredPct, 2)) %) by \(border.cameras) camera\(border.cameras == 1 ? "" : "s")\n"
            out += "\n  covered   " + columns("from km", "to km", "length km") + "  cameras\n"
            for stretch in border.covered {
                out += "            " + columns(stretch) + "  " + Self.summary(stretch.cameras) + "\n"
            }
            if border.covered.isEmpty { out += "            none\n" }
            out += "\n  uncovered " + columns("from km", "to km", "length km") + "  from (lat, lon)          to (lat, lon)\n"
            for stretch in border.uncovered {
                let from = Self.position(stretch.from)
                out += "            " + columns(stretch) + "  " + from + String(repeating: " ", count: max(0, 25 - from.count))
                out += Self.position(stretch.to) + "\n"
            }
            if border.uncovered.isEmpty { out += "            none\n" }
            if !down.isEmpty {
                let gapCount = "\(border.gaps.count) gap\(border.gaps.count == 1 ? "" : "s")"
                out += "\n  with \(down.joined(separator: ", ")) down: \(fixed(border.liveCoveredKm, 3)) km covered "
                out += "(\(fixed(percent(border.liveCoveredKm, of: border.lengthKm), 2)) %), \(gapCount)"
                out += minGapM > 0 ? " of at least \(fixed(minGapM, 0)) m\n" : "\n"
                if !border.gaps.isEmpty {
                    out += "  gap       " + columns("from km", "to km", "length km") + "  cameras that would cover it\n"
                    for stretch in border.gaps {
                        out += "            " + columns(stretch) + "  " + stretch.cameras.joined(separator: ", ") + "\n"
                    }
                }
            }
            out += "\n"
        }
        if borders.isEmpty { out += "no border line in the zones\n" }
        if borders.count > 1 {
            out += "all borders: \(fixed(lengthKm, 3)) km, \(fixed(coveredKm, 3)) km covered (\(fixed(coveredPct, 2)) %)"
            out += down.isEmpty ? "\n" : ", \(fixed(liveCoveredKm, 3)) km with the cameras down\n"
        }
        if !idleCameras.isEmpty {
            out += "cameras covering no border line: \(idleCameras.joined(separator: ", "))\n"
        }
        return out
    }

    /// Cameras in a table cell: all of them up to three, else the count, the first and the last.
    private static func summary(_ cameras: [String]) -> String {
        cameras.count <= 3 ? cameras.joined(separator: ", ") : "\(cameras.count): \(cameras[0]) … \(cameras[cameras.count - 1])"
    }

    private static func position(_ position: Position) -> String { "\(fixed(position.lat, 6)), \(fixed(position.lon, 6))" }
}

/// Kilometres rounded to the millimetre.
private func km(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

/// `part` as a percentage of `whole`, to 0.001 %.
private func percent(_ part: Double, of whole: Double) -> Double { whole > 0 ? (part / whole * 1e5).rounded() / 1e3 : 0 }

private func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// Three right-aligned columns of 9 characters (from, to, length).
private func columns(_ a: String, _ b: String, _ c: String) -> String {
    [a, b, c].map { String(repeating: " ", count: max(0, 9 - $0.count)) + $0 }.joined(separator: "  ")
}

private func columns(_ stretch: CoverageReport.Stretch) -> String {
    columns(fixed(stretch.fromKm, 3), fixed(stretch.toKm, 3), fixed(stretch.lengthKm, 3))
}
