import Foundation
import VigilCore

/// Reads named places from a GeoJSON FeatureCollection of Points
/// (`Config/data/iraq-syria/places.geojson`), with properties `name` and, optionally, `country`.
/// Other properties (`id`, `source`) are left alone: the file is a gazetteer shared with the
/// configuration's generator, not one of vigild's files.
public enum PlacesFile {
    /// Loads and validates the places in the file at `path`, named `file` in errors.
    public static func load(path: String, file: String? = nil) throws(ConfigError) -> [Place] {
        try places(in: try GeoJSONFile(path: path, file: file ?? path))
    }

    /// Reads and validates the places in `data` (a places file's bytes), named `file` in errors;
    /// the same checks as ``load(path:file:)``.
    public static func parse(data: Data, file: String) throws(ConfigError) -> [Place] {
        try places(in: try GeoJSONFile(data: data, file: file))
    }

    private static func places(in geojson: GeoJSONFile) throws(ConfigError) -> [Place] {
        var places: [Place] = []
        for feature in geojson.features {
            guard feature.geometryType == "Point" else { throw feature.error("geometry.type", "a place is a Point") }
            let name = try feature.string("name")
            guard !name.isEmpty else { throw feature.error("properties.name", "empty; expected the place's name") }
            places.append(
                Place(
                    name: name, country: try feature.optionalString("country"),
                    position: try feature.position(feature.geometry["coordinates"], "geometry.coordinates")))
        }
        return places
    }
}
