import Foundation
import VigilCore

/// Reads cameras from a GeoJSON FeatureCollection of Points (`Config/cameras.geojson`), with
/// properties `id`, `sector`, `heading_deg`, `fov_deg` and `range_m`.
public enum CamerasFile {
    /// Loads and validates the cameras in the file at `path`, named `file` in errors.
    public static func load(path: String, file: String? = nil) throws(ConfigError) -> [Camera] {
        try cameras(in: try GeoJSONFile(path: path, file: file ?? path))
    }

    /// Reads and validates the cameras in `data` (a cameras file's bytes), named `file` in
    /// errors; the same checks as ``load(path:file:)``.
    public static func parse(data: Data, file: String) throws(ConfigError) -> [Camera] {
        try cameras(in: try GeoJSONFile(data: data, file: file))
    }

    private static func cameras(in geojson: GeoJSONFile) throws(ConfigError) -> [Camera] {
        var cameras: [Camera] = []
        var seen: [String: Int] = [:]
        for feature in geojson.features {
            guard let id = feature.id else { throw feature.error("properties.id", "missing; every camera needs an id") }
            guard Identifier.isValid(id) else {
                throw feature.error("properties.id", "\"\(id)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
            }
            if let first = seen[id] { throw feature.error("properties.id", "duplicate camera id \"\(id)\" (first used by features[\(first)])") }
            seen[id] = feature.index
            guard feature.geometryType == "Point" else { throw feature.error("geometry.type", "a camera is a Point") }
            let sector = try feature.string("sector")
            guard Identifier.isValid(sector) else {
                throw feature.error("properties.sector", "\"\(sector)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
            }
            cameras.append(
                Camera(
                    id: id, sector: sector,
                    position: try feature.position(feature.geometry["coordinates"], "geometry.coordinates"),
                    headingDeg: try feature.number("heading_deg", in: 0...360),
                    fovDeg: try feature.number("fov_deg", in: 1...360),
                    rangeM: try feature.number("range_m", in: 1...50_000)))
        }
        if cameras.isEmpty { throw ConfigError(file: geojson.file, key: "features", "no camera is registered") }
        return cameras
    }
}
