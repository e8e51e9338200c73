import ArgumentParser
import Foundation
import VigilConfig
import VigilCore

/// `vigil zones where LAT LON`: what the zones say about one point.
struct ZonesWhere: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Print the zones containing a point, its masks, and where it stands relative to each border.",
        discussion: """
            Zones are listed highest priority first (id, kind, priority, name). For each border line: \
            the distance to the line in metres, the side by its name (e.g. IQ), and the km along the line \
            of the nearest point (from the line's first vertex).
            """)

    /// Latitude and longitude; taken as unrecognized arguments so that negative values need no `--`.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Latitude (degrees north) and longitude (degrees east).", valueName: "lat lon"))
    var position: [String] = []

    @OptionGroup var zones: ZonesFileOption

    var lat: Double { Double(position[0]) ?? .nan }
    var lon: Double { Double(position[1]) ?? .nan }

    func validate() throws {
        guard position.count == 2, let lat = Double(position[0]), let lon = Double(position[1]) else {
            throw ValidationError("expected two numbers, the latitude and the longitude, e.g. `vigil zones where 36.80 42.08`")
        }
        guard (-90...90).contains(lat), (-180...180).contains(lon) else {
            throw ValidationError("latitude must be within -90...90 and longitude within -180...180")
        }
    }

    func run() throws {
        let set = try zones.load()
        let point = GeoPoint(lat: lat, lon: lon)
        var out = "point \(fixed(lat, 6)), \(fixed(lon, 6)) (lat, lon)\n"
        let inside = set.zonesContaining(point)
        if inside.isEmpty {
            out += "zones: none\n"
        } else {
            out += "zones (highest priority first):\n"
            let width = inside.map { set.zones[$0].id.count }.max() ?? 0
            for index in inside {
                let zone = set.zones[index]
                out += "  \(pad(zone.id, width))  \(pad(zone.kind.rawValue, 10))  priority \(pad(String(zone.priority), 4))  \(zone.name)\n"
            }
        }
        let masks = set.maskIndices.filter { ZoneSet.contains(set.zones[$0].shape, point) }
        if set.isMasked(point) {
            out += "masked: yes, by " + masks.map { "\(set.zones[$0].id) (\(set.zones[$0].name))" }.joined(separator: ", ")
            out += "; detections here are dropped\n"
        } else {
            out += "masked: no\n"
        }
        for index in set.borderIndices {
            let zone = set.zones[index]
            guard case .line(let line, let names) = zone.shape else { continue }
            out += "border \(zone.id) (\(zone.name)): "
            if let proximity = line.proximity(of: point) {
                out += "\(fixed(proximity.distance, 1)) m on the \(names.name(of: proximity.side)) side, "
                out += "nearest point at km \(fixed(proximity.along / 1_000, 3)) of \(fixed(line.length / 1_000, 3))\n"
            } else {
                out += "more than \(fixed(line.reach / 1_000, 1)) km from the line\n"
            }
        }
        if set.borderIndices.isEmpty { out += "borders: none\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
