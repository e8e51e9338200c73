import VigilCore

/// Reads zones from a GeoJSON FeatureCollection (`Config/zones.geojson`).
///
/// Each feature has properties `id`, `name`, `kind` (a ``ZoneKind``) and optionally `priority`,
/// `inertia` (frames inside before a target counts as inside) and `loitering_s`.
/// Geometries:
/// - kind `border`: a LineString with properties `left` and `right` naming its two sides;
/// - a LineString with `band_m` (metres) and `side` (`both`, `left`, `right`, or the name given
///   by the feature's own `left`/`right` properties): the band within `band_m` of the line;
/// - Polygon or MultiPolygon (with holes);
/// - Point with `radius_m`: a disc.
public enum ZonesFile {
    /// Loads and validates the zones in the file at `path`, named `file` in errors.
    public static func load(path: String, file: String? = nil) throws(ConfigError) -> [Zone] {
        let geojson = try GeoJSONFile(path: path, file: file ?? path)
        var zones: [Zone] = []
        var seen: [String: Int] = [:]
        var lines: [[GeoPoint]: Polyline] = [:]
        for feature in geojson.features {
            guard let id = feature.id else { throw feature.error("properties.id", "missing; every zone needs an id") }
            guard Identifier.isValid(id) else {
                throw feature.error("properties.id", "\"\(id)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
            }
            if let first = seen[id] {
                throw feature.error("properties.id", "duplicate id \"\(id)\" (first used by features[\(first)])")
            }
            seen[id] = feature.index
            let kindName = try feature.string("kind")
            guard let kind = ZoneKind(rawValue: kindName) else {
                throw feature.error("properties.kind", "unknown kind \"\(kindName)\"; expected one of \(ZoneKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let name = try feature.optionalString("name") ?? id
            let priority = try feature.optionalNumber("priority", in: -1_000_000...1_000_000).map { Int($0) }
            let shape = try shape(of: feature, kind: kind, lines: &lines)
            let inertia = try feature.optionalNumber("inertia", in: 1...1_000).map { Int($0) }
            let loitering = try feature.optionalNumber("loitering_s", in: 1...86_400)
            zones.append(Zone(id: id, name: name, kind: kind, priority: priority, shape: shape, inertiaFrames: inertia, loiteringSeconds: loitering))
        }
        return zones
    }

    private static func shape(of feature: GeoJSONFile.Feature, kind: ZoneKind, lines: inout [[GeoPoint]: Polyline])
        throws(ConfigError) -> ZoneShape
    {
        switch feature.geometryType {
        case "LineString":
            let points = try feature.positions(feature.geometry["coordinates"], "geometry.coordinates")
            guard points.count >= 2 else { throw feature.error("geometry.coordinates", "a LineString needs at least 2 positions") }
            let line = lines[points] ?? Polyline(points: points, reach: 10_000)
            lines[points] = line
            let left = try feature.optionalString("left"), right = try feature.optionalString("right")
            if kind == .border {
                guard let left, let right else {
                    throw feature.error("properties", "a border needs properties \"left\" and \"right\" naming its two sides")
                }
                return .line(line, SideNames(left: left, right: right))
            }
            let width = try feature.number("band_m", in: 1...10_000)
            let sideName = try feature.optionalString("side") ?? "both"
            let side: LineSide?
            switch sideName {
            case "both": side = nil
            case "left", left ?? "\u{0}": side = .left
            case "right", right ?? "\u{0}": side = .right
            default:
                let names = ["both", "left", "right"] + [left, right].compactMap { $0 }
                throw feature.error("properties.side", "unknown side \"\(sideName)\"; expected one of \(names.joined(separator: ", "))")
            }
            return .band(line, width: width, side: side)
        case "Polygon":
            return .polygon(Polygon(rings: try rings(feature, feature.geometry["coordinates"], "geometry.coordinates")))
        case "MultiPolygon":
            guard case .array(let parts)? = feature.geometry["coordinates"] else {
                throw feature.error("geometry.coordinates", "expected an array of polygons")
            }
            var all: [[GeoPoint]] = []
            for (i, part) in parts.enumerated() { all += try rings(feature, part, "geometry.coordinates[\(i)]") }
            return .polygon(Polygon(rings: all))
        case "Point":
            let center = try feature.position(feature.geometry["coordinates"], "geometry.coordinates")
            return .circle(center: center, radius: try feature.number("radius_m", in: 1...100_000))
        case let other:
            throw feature.error("geometry.type", "unsupported geometry \(other.map { "\"\($0)\"" } ?? "(none)"); expected LineString, Polygon, MultiPolygon or Point")
        }
    }

    private static func rings(_ feature: GeoJSONFile.Feature, _ value: JSONValue?, _ key: String) throws(ConfigError) -> [[GeoPoint]] {
        guard case .array(let items)? = value, !items.isEmpty else { throw feature.error(key, "expected an array of linear rings") }
        var rings: [[GeoPoint]] = []
        for (i, item) in items.enumerated() {
            let ring = try feature.positions(item, "\(key)[\(i)]")
            guard ring.count >= 4 else { throw feature.error("\(key)[\(i)]", "a linear ring needs at least 4 positions, found \(ring.count)") }
            guard ring.first == ring.last else { throw feature.error("\(key)[\(i)]", "ring is not closed (first and last positions differ)") }
            rings.append(ring)
        }
        return rings
    }
}
