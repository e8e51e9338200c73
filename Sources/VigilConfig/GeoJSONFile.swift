import Foundation
import VigilCore

/// A GeoJSON FeatureCollection read for configuration, with errors that name the file and the
/// feature (`features[3] (id cam-rabia-02)`) at fault.
struct GeoJSONFile {
    struct Feature {
        let index: Int
        let id: String?
        let geometry: [String: JSONValue]
        let properties: [String: JSONValue]
        let file: String

        /// How errors name this feature.
        var label: String { id.map { "features[\(index)] (id \($0))" } ?? "features[\(index)]" }

        func error(_ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, key: key.isEmpty ? label : "\(label).\(key)", message)
        }

        var geometryType: String? {
            if case .string(let type)? = geometry["type"] { return type }
            return nil
        }

        func string(_ key: String) throws(ConfigError) -> String {
            guard let value = properties[key] else { throw error("properties.\(key)", "missing; expected a string") }
            guard case .string(let string) = value else {
                throw error("properties.\(key)", "expected a string, found \(value.typeName)")
            }
            return string
        }

        func optionalString(_ key: String) throws(ConfigError) -> String? {
            guard properties[key] != nil else { return nil }
            return try string(key)
        }

        func number(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
            guard let value = properties[key] else {
                throw error("properties.\(key)", "missing; expected a number from \(range.lowerBound) to \(range.upperBound)")
            }
            guard case .number(let number) = value, range.contains(number) else {
                throw error("properties.\(key)", "expected a number from \(range.lowerBound) to \(range.upperBound), found \(value.describe)")
            }
            return number
        }

        func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
            guard properties[key] != nil else { return nil }
            return try number(key, in: range)
        }

        /// The geometry's `coordinates` as a position `[lon, lat]`.
        func position(_ value: JSONValue?, _ key: String) throws(ConfigError) -> GeoPoint {
            guard case .array(let items)? = value, items.count >= 2,
                case .number(let lon) = items[0], case .number(let lat) = items[1]
            else { throw error(key, "expected a position [longitude, latitude]") }
            guard (-180...180).contains(lon), (-90...90).contains(lat) else {
                throw error(key, "position [\(lon), \(lat)] is outside WGS84 bounds (longitude -180...180, latitude -90...90)")
            }
            return GeoPoint(lat: lat, lon: lon)
        }

        func positions(_ value: JSONValue?, _ key: String) throws(ConfigError) -> [GeoPoint] {
            guard case .array(let items)? = value else { throw error(key, "expected an array of positions") }
            var result: [GeoPoint] = []
            for (i, item) in items.enumerated() { result.append(try position(item, "\(key)[\(i)]")) }
            return result
        }
    }

    let file: String
    let features: [Feature]

    /// Reads `path` (named `file` in errors).
    init(path: String, file: String) throws(ConfigError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(file: file, key: "", "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(data: data, file: file)
    }

    /// Reads a GeoJSON file's bytes (named `file` in errors).
    init(data: Data, file: String) throws(ConfigError) {
        self.file = file
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ConfigError(file: file, key: "", "not valid JSON: \(error)")
        }
        guard case .object(let object) = root, case .string("FeatureCollection")? = object["type"] else {
            throw ConfigError(file: file, key: "type", "expected a GeoJSON FeatureCollection")
        }
        guard case .array(let items)? = object["features"] else {
            throw ConfigError(file: file, key: "features", "expected an array of features")
        }
        var features: [Feature] = []
        for (index, item) in items.enumerated() {
            guard case .object(let feature) = item, case .string("Feature")? = feature["type"] else {
                throw ConfigError(file: file, key: "features[\(index)]", "expected a GeoJSON Feature")
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let p)? = feature["properties"] { properties = p }
            var id: String?
            if case .string(let s)? = properties["id"] { id = s } else if case .string(let s)? = feature["id"] { id = s }
            guard case .object(let geometry)? = feature["geometry"] else {
                throw ConfigError(file: file, key: "features[\(index)]\(id.map { " (id \($0))" } ?? "").geometry", "expected a geometry object")
            }
            features.append(Feature(index: index, id: id, geometry: geometry, properties: properties, file: file))
        }
        self.features = features
    }
}

extension JSONValue {
    var describe: String {
        switch self {
        case .number(let n): "\(n)"
        case .string(let s): "\"\(s)\""
        default: typeName
        }
    }
}
