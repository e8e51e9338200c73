import Foundation
import VigilCore

/// Reads a zones GeoJSON file into zones while listing every problem in it, rather than stopping
/// at the first: ``ZonesFile/check(path:file:)`` reports the problems, ``ZonesFile/load(path:file:)``
/// refuses the file if one of them is an error.
///
/// A feature with an error yields no zone; the others still do, so that one pass finds every
/// problem of every feature.
struct ZonesFileChecker {
    /// The problems found, in file order.
    private(set) var problems: [ZoneProblem] = []
    /// The zones of the features without errors, in file order.
    private(set) var zones: [Zone] = []
    /// How many features the file has.
    private(set) var featureCount = 0

    private var firstIndexOfID: [String: Int] = [:]
    private var lines: [[GeoPoint]: Polyline] = [:]

    /// Reads the file at `path`.
    mutating func read(path: String) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            fileError(.unreadable, "", "cannot read the file: \(error.localizedDescription)")
            return
        }
        read(data: data)
    }

    /// Reads a zones file's bytes.
    mutating func read(data: Data) {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            fileError(.unreadable, "", "not valid JSON: \(error)")
            return
        }
        guard case .object(let object) = root, case .string("FeatureCollection")? = object["type"] else {
            fileError(.notGeoJSON, "type", "expected a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")")
            return
        }
        guard case .array(let items)? = object["features"] else {
            fileError(.notGeoJSON, "features", "expected an array of features")
            return
        }
        featureCount = items.count
        for (index, item) in items.enumerated() { read(feature: item, index: index) }
    }

    private mutating func fileError(_ code: ZoneProblem.Code, _ key: String, _ message: String) {
        problems.append(ZoneProblem(.error, code, featureIndex: nil, id: nil, key: key, message))
    }

    private mutating func read(feature item: JSONValue, index: Int) {
        guard case .object(let object) = item, case .string("Feature")? = object["type"] else {
            problems.append(ZoneProblem(.error, .notGeoJSON, featureIndex: index, id: nil, key: "", "expected a GeoJSON Feature (\"type\": \"Feature\")"))
            return
        }
        var properties: [String: JSONValue] = [:]
        var propertiesProblem: String?
        switch object["properties"] {
        case .object(let p)?: properties = p
        case nil, .null?: break
        case let other?: propertiesProblem = "expected an object, found \(other.typeName)"
        }
        var id: String?
        if case .string(let s)? = properties["id"] { id = s } else if case .string(let s)? = object["id"] { id = s }
        var reader = ZonesFeatureReader(index: index, id: id, properties: properties)
        if let propertiesProblem { reader.error(.badValue, "properties", propertiesProblem) }
        readID(&reader, object: object)
        let zone = reader.zone(geometry: object["geometry"], lines: &lines)
        problems += reader.problems
        if let zone, !reader.hasError { zones.append(zone) }
    }

    private mutating func readID(_ reader: inout ZonesFeatureReader, object: [String: JSONValue]) {
        let own = reader.properties["id"], top = object["id"]
        if let own, case .string = own {} else if let own {
            reader.error(.invalidID, "properties.id", "expected a string, found \(own.describe)")
        }
        if let top {
            switch top {
            case .string(let s):
                if let id = reader.id, id != s {
                    reader.warning(.idMismatch, "id", "the feature's id \"\(s)\" differs from properties.id \"\(id)\"; properties.id is used")
                }
            default:
                reader.error(.invalidID, "id", "expected a string, found \(top.describe); zone ids are identifiers")
            }
        }
        guard let id = reader.id else {
            if own == nil, top == nil { reader.error(.missingID, "properties.id", "missing; every zone needs an id") }
            return
        }
        guard Identifier.isValid(id) else {
            reader.error(.invalidID, "properties.id", "\"\(id)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
            return
        }
        if let first = firstIndexOfID[id] {
            reader.error(.duplicateID, "properties.id", "duplicate id \"\(id)\" (first used by features[\(first)])")
        } else {
            firstIndexOfID[id] = reader.index
        }
    }
}
