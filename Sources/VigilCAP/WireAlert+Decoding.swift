import Foundation

extension WireAlert {
    /// The latest event time a CAP date can carry (`YYYY` has four digits): 9999-12-31T23:59:59.999 UTC, in ms.
    static let latestTimestamp: Int64 = 253_402_300_799_999

    /// Reads one alert message (one JSON object, CONTRACT.md section 2). Unknown fields are
    /// ignored (the contract may add fields); a missing field, a field of the wrong type or a
    /// value the contract does not allow is an error that names the field.
    public static func decode(_ json: Data) throws(WireAlertError) -> WireAlert {
        // The version first: a message of another version may not have version 1's fields at all.
        let version = try decodePayload(VersionProbe.self, from: json).v
        guard version == 1 else { throw WireAlertError(.badVersion, field: "v", "expected 1, got \(version)") }
        return try decodePayload(Payload.self, from: json).validated()
    }

    /// Reads one alert message from a line of text (see `decode(_:)` for `Data`).
    public static func decode(_ line: String) throws(WireAlertError) -> WireAlert {
        try decode(Data(line.utf8))
    }

    private static func decodePayload<T: Decodable>(_ type: T.Type, from json: Data) throws(WireAlertError) -> T {
        do {
            return try JSONDecoder().decode(type, from: json)
        } catch let error as DecodingError {
            throw WireAlertError(error)
        } catch {
            throw WireAlertError(.notJSON, "not JSON: \(error)")
        }
    }
}

/// `v` alone.
private struct VersionProbe: Decodable {
    var v: Int
}

/// The JSON as it is, before its values are checked.
private struct Payload: Decodable {
    var seq: UInt64
    var id: String
    var state: String
    var kind: String
    var severity: String
    var objectClass: String
    var count: Int
    var sector: String
    var zone: String
    var lat: Double
    var lon: Double
    var direction: String?
    var cameras: [String]
    var firstTs: Int64
    var lastTs: Int64
    var emittedTs: Int64
    var rule: String?
    var exercise: Bool?
    var stretch: StretchPayload?

    enum CodingKeys: String, CodingKey {
        case seq, id, state, kind, severity, count, sector, zone, lat, lon, direction, cameras, rule, exercise, stretch
        case objectClass = "class"
        case firstTs = "first_ts"
        case lastTs = "last_ts"
        case emittedTs = "emitted_ts"
    }

    func validated() throws(WireAlertError) -> WireAlert {
        guard CAP.isValidToken(id) else {
            throw WireAlertError(.badValue, field: "id", "\(quoted(id)) cannot name a CAP message: expected no spaces, commas, < or &, and not empty")
        }
        guard let state = WireAlert.State(rawValue: state) else {
            throw WireAlertError(.badValue, field: "state", "expected raised, updated or resolved, got \(quoted(state))")
        }
        guard let severity = WireAlert.Severity(rawValue: severity) else {
            throw WireAlertError(.badValue, field: "severity", "expected critical, high, medium or low, got \(quoted(severity))")
        }
        guard !kind.isEmpty else { throw WireAlertError(.badValue, field: "kind", "is empty") }
        guard count >= 0 else { throw WireAlertError(.badValue, field: "count", "expected 0 or more, got \(count)") }
        guard lat.isFinite, (-90...90).contains(lat) else {
            throw WireAlertError(.badValue, field: "lat", "expected -90...90, got \(lat)")
        }
        guard lon.isFinite, (-180...180).contains(lon) else {
            throw WireAlertError(.badValue, field: "lon", "expected -180...180, got \(lon)")
        }
        for (field, ts) in [("first_ts", firstTs), ("last_ts", lastTs), ("emitted_ts", emittedTs)] {
            guard (0...WireAlert.latestTimestamp).contains(ts) else {
                throw WireAlertError(.badValue, field: field, "expected ms since 1970 up to year 9999, got \(ts)")
            }
        }
        return WireAlert(
            version: 1, seq: seq, id: id, state: state, kind: kind, severity: severity, objectClass: objectClass,
            count: count, sector: sector, zone: zone, position: GeoCoordinate(lat: lat, lon: lon), direction: direction,
            cameras: cameras, firstTs: firstTs, lastTs: lastTs, emittedTs: emittedTs, rule: rule,
            exercise: exercise ?? false, stretch: try stretch?.validated())
    }
}

/// `stretch` as it is.
private struct StretchPayload: Decodable {
    var border: String
    var fromKm: Double
    var toKm: Double
    var km: Double?
    var from: [Double]
    var to: [Double]

    enum CodingKeys: String, CodingKey {
        case border, km, from, to
        case fromKm = "from_km"
        case toKm = "to_km"
    }

    func validated() throws(WireAlertError) -> WireAlert.Stretch {
        for (field, value) in [("from_km", fromKm), ("to_km", toKm), ("km", km ?? 0)] where !value.isFinite {
            throw WireAlertError(.badValue, field: "stretch.\(field)", "expected a finite number")
        }
        return WireAlert.Stretch(
            border: border, fromKm: fromKm, toKm: toKm, km: km,
            from: try Self.point(from, field: "stretch.from"), to: try Self.point(to, field: "stretch.to"))
    }

    private static func point(_ pair: [Double], field: String) throws(WireAlertError) -> GeoCoordinate {
        guard pair.count == 2 else {
            throw WireAlertError(.badValue, field: field, "expected [lat, lon], got \(pair.count) numbers")
        }
        let point = GeoCoordinate(lat: pair[0], lon: pair[1])
        guard point.isValid else {
            throw WireAlertError(.badValue, field: field, "expected [lat, lon] with lat in -90...90 and lon in -180...180, got \(pair)")
        }
        return point
    }
}

extension WireAlertError {
    /// The error for what `JSONDecoder` found, with the field's path.
    fileprivate init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(.missingField, field: Self.path(context.codingPath + [key]), "required, absent")
        case .valueNotFound(let type, let context):
            self.init(.missingField, field: Self.path(context.codingPath), "is null; expected \(Self.words(for: type))")
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
            self.init(.notJSON, "expected a JSON object, got another JSON value (\(Self.words(for: type)) was wanted)")
        case .typeMismatch(let type, let context):
            self.init(.wrongType, field: Self.path(context.codingPath), "expected \(Self.words(for: type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let detail = context.underlyingError.map { " (\($0))" } ?? ""
            self.init(.notJSON, "not JSON: \(context.debugDescription)\(detail)")
        case .dataCorrupted(let context):
            self.init(.badValue, field: Self.path(context.codingPath), context.debugDescription)
        @unknown default:
            self.init(.notJSON, "not an alert message: \(error)")
        }
    }

    /// `stretch.from[1]` for the coding path [stretch, from, 1].
    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += (path.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return path
    }

    /// The JSON type a Swift type is read from, in words.
    private static func words(for type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is [String].Type: "an array of strings"
        case is [Double].Type: "an array of numbers"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "a value of type \(type)"
        }
    }
}

/// `text` in double quotes, for error messages.
private func quoted(_ text: String) -> String {
    "\"\(text)\""
}
