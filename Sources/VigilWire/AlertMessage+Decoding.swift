extension AlertMessage {
    /// The latest event time a CAP date can carry (`YYYY` has four digits): 9999-12-31T23:59:59.999 UTC, in ms.
    public static let latestTimestamp: Int64 = 253_402_300_799_999

    /// Reads one alert message (one JSON object, CONTRACT.md section 2) strictly, as a consumer
    /// that converts it (CAP) needs it. Unknown fields are ignored (the contract may add fields);
    /// a missing field, a field of the wrong type or a value the contract does not allow is an
    /// error that names the field. A `class` outside the contract's list is taken as `unknown`.
    public static func decode(_ json: [UInt8]) throws(AlertDecodingError) -> AlertMessage {
        let fields = try StrictFields.object(json)
        // The version first: a message of another version may not have version 1's fields at all.
        let version = try fields.integer("v", Int.self)
        guard version == 1 else { throw AlertDecodingError(.badVersion, field: "v", "expected 1, got \(version)") }
        return try decodeVersion1(fields)
    }

    /// Reads one alert message from a line of text (see ``decode(_:)-([UInt8])``).
    public static func decode(_ line: String) throws(AlertDecodingError) -> AlertMessage {
        try decode(Array(line.utf8))
    }

    private static func decodeVersion1(_ fields: StrictFields) throws(AlertDecodingError) -> AlertMessage {
        // Read in the order of the fields, then checked: the first problem found is the one reported.
        let seq = try fields.integer("seq", UInt64.self)
        let id = try fields.string("id")
        let stateName = try fields.string("state")
        let kind = try fields.string("kind")
        let severityName = try fields.string("severity")
        let className = try fields.string("class")
        let count = try fields.integer("count", Int.self)
        let sector = try fields.string("sector")
        let zone = try fields.string("zone")
        let lat = try fields.number("lat")
        let lon = try fields.number("lon")
        let direction = try fields.optional("direction") { (f, k) throws(AlertDecodingError) in try f.string(k) }
        let cameras = try fields.strings("cameras")
        let firstTs = try fields.integer("first_ts", Int64.self)
        let lastTs = try fields.integer("last_ts", Int64.self)
        let emittedTs = try fields.integer("emitted_ts", Int64.self)
        let rule = try fields.optional("rule") { (f, k) throws(AlertDecodingError) in try f.string(k) }
        let exercise = try fields.optional("exercise") { (f, k) throws(AlertDecodingError) in try f.bool(k) }
        let epoch = try fields.optional("epoch") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int64.self) }
        let stretch = try fields.optional("stretch") { (f, k) throws(AlertDecodingError) in try f.object(k) }

        guard isToken(id) else {
            throw AlertDecodingError(
                .badValue, field: "id", "\(quoted(id)) cannot name a CAP message: expected no spaces, commas, < or &, and not empty")
        }
        guard let state = State(rawValue: stateName) else {
            throw AlertDecodingError(.badValue, field: "state", "expected raised, updated or resolved, got \(quoted(stateName))")
        }
        guard let severity = Severity(rawValue: severityName) else {
            throw AlertDecodingError(.badValue, field: "severity", "expected critical, high, medium or low, got \(quoted(severityName))")
        }
        guard !kind.isEmpty else { throw AlertDecodingError(.badValue, field: "kind", "is empty") }
        guard count >= 0 else { throw AlertDecodingError(.badValue, field: "count", "expected 0 or more, got \(count)") }
        guard (-90...90).contains(lat) else { throw AlertDecodingError(.badValue, field: "lat", "expected -90...90, got \(lat)") }
        guard (-180...180).contains(lon) else { throw AlertDecodingError(.badValue, field: "lon", "expected -180...180, got \(lon)") }
        for (field, ts) in [("first_ts", firstTs), ("last_ts", lastTs), ("emitted_ts", emittedTs)] {
            guard (0...latestTimestamp).contains(ts) else {
                throw AlertDecodingError(.badValue, field: field, "expected ms since 1970 up to year 9999, got \(ts)")
            }
        }
        return AlertMessage(
            seq: seq, id: id, state: state, kind: kind, severity: severity, objectClass: ObjectClass(rawValue: className) ?? .unknown,
            count: count, sector: sector, zone: zone, position: GeoPoint(lat: lat, lon: lon), direction: direction,
            cameras: cameras, firstTs: firstTs, lastTs: lastTs, emittedTs: emittedTs, rule: rule,
            stretch: try stretch.map { (object) throws(AlertDecodingError) in try Self.stretch(object) }, exercise: exercise ?? false,
            epoch: epoch)
    }

    /// `stretch`, read and checked.
    private static func stretch(_ fields: StrictFields) throws(AlertDecodingError) -> AlertStretch {
        let border = try fields.string("border")
        let fromKm = try fields.number("from_km")
        let toKm = try fields.number("to_km")
        let km = try fields.optional("km") { (f, k) throws(AlertDecodingError) in try f.number(k) }
        let from = try fields.numbers("from")
        let to = try fields.numbers("to")
        return AlertStretch(
            border: border, fromKm: fromKm, toKm: toKm, km: km, from: try point(from, field: "stretch.from"),
            to: try point(to, field: "stretch.to"))
    }

    private static func point(_ pair: [Double], field: String) throws(AlertDecodingError) -> GeoPoint {
        guard pair.count == 2 else {
            throw AlertDecodingError(.badValue, field: field, "expected [lat, lon], got \(pair.count) numbers")
        }
        let point = GeoPoint(lat: pair[0], lon: pair[1])
        guard point.isValid else {
            throw AlertDecodingError(
                .badValue, field: field, "expected [lat, lon] with lat in -90...90 and lon in -180...180, got \(pair)")
        }
        return point
    }

    /// Whether `text` can be a token of a CAP message (an `<identifier>`): not empty, and no
    /// whitespace, control character, comma, `<` or `&`.
    public static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                !(scalar == "," || scalar == "<" || scalar == "&" || scalar.properties.isWhitespace
                    || scalar.properties.generalCategory == .control)
            }
    }
}

/// `text` in double quotes, for error messages.
private func quoted(_ text: String) -> String {
    "\"\(text)\""
}
