/// The members of one JSON object, read by type with errors that name the field's path: the strict
/// decoders of the wire (alert messages, heartbeats, catch-up pages) share it.
struct StrictFields {
    var members: [String: JSONValue]
    /// The object's own path (`stretch`), empty for the message.
    var path: String

    private func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key`, present and not null.
    private func required(_ key: String, expected: String) throws(AlertDecodingError) -> JSONValue {
        switch members[key] {
        case nil: throw AlertDecodingError(.missingField, field: path(key), "required, absent")
        case .null?: throw AlertDecodingError(.missingField, field: path(key), "is null; expected \(expected)")
        case let value?: return value
        }
    }

    /// `read(self, key)` when `key` is present and not null; nil otherwise.
    func optional<T>(_ key: String, _ read: (StrictFields, String) throws(AlertDecodingError) -> T) throws(AlertDecodingError) -> T? {
        switch members[key] {
        case nil, .null?: nil
        default: try read(self, key)
        }
    }

    func string(_ key: String) throws(AlertDecodingError) -> String {
        guard case .string(let text) = try required(key, expected: "a string") else {
            throw AlertDecodingError(.wrongType, field: path(key), "expected a string")
        }
        return text
    }

    func bool(_ key: String) throws(AlertDecodingError) -> Bool {
        guard case .bool(let value) = try required(key, expected: "true or false") else {
            throw AlertDecodingError(.wrongType, field: path(key), "expected true or false")
        }
        return value
    }

    func integer<T: FixedWidthInteger>(_ key: String, _ type: T.Type) throws(AlertDecodingError) -> T {
        let value = try required(key, expected: "an integer")
        guard case .number(let text) = value else { throw AlertDecodingError(.wrongType, field: path(key), "expected an integer") }
        guard let integer = value.integer(T.self) else {
            throw AlertDecodingError(.badValue, field: path(key), "expected an integer from \(T.min) to \(T.max), got \(text)")
        }
        return integer
    }

    func number(_ key: String) throws(AlertDecodingError) -> Double {
        let value = try required(key, expected: "a number")
        guard case .number(let text) = value else { throw AlertDecodingError(.wrongType, field: path(key), "expected a number") }
        guard let number = value.double else { throw AlertDecodingError(.badValue, field: path(key), "\(text) is not a finite number") }
        return number
    }

    func strings(_ key: String) throws(AlertDecodingError) -> [String] {
        guard case .array(let elements) = try required(key, expected: "an array of strings") else {
            throw AlertDecodingError(.wrongType, field: path(key), "expected an array of strings")
        }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            switch element {
            case .string(let text): strings.append(text)
            case .null: throw AlertDecodingError(.missingField, field: "\(path(key))[\(index)]", "is null; expected a string")
            default: throw AlertDecodingError(.wrongType, field: "\(path(key))[\(index)]", "expected a string")
            }
        }
        return strings
    }

    func numbers(_ key: String) throws(AlertDecodingError) -> [Double] {
        guard case .array(let elements) = try required(key, expected: "an array of numbers") else {
            throw AlertDecodingError(.wrongType, field: path(key), "expected an array of numbers")
        }
        var numbers: [Double] = []
        for (index, element) in elements.enumerated() {
            switch element {
            case .number(let text):
                guard let number = element.double else {
                    throw AlertDecodingError(.badValue, field: "\(path(key))[\(index)]", "\(text) is not a finite number")
                }
                numbers.append(number)
            case .null: throw AlertDecodingError(.missingField, field: "\(path(key))[\(index)]", "is null; expected a number")
            default: throw AlertDecodingError(.wrongType, field: "\(path(key))[\(index)]", "expected a number")
            }
        }
        return numbers
    }

    func object(_ key: String) throws(AlertDecodingError) -> StrictFields {
        guard case .object(let members) = try required(key, expected: "an object") else {
            throw AlertDecodingError(.wrongType, field: path(key), "expected an object")
        }
        return StrictFields(members: members, path: path(key))
    }
}

extension StrictFields {
    /// The members of the JSON object `json` holds; ``AlertDecodingError/Code/notJSON`` when it
    /// is not JSON or not an object.
    static func object(_ json: [UInt8]) throws(AlertDecodingError) -> StrictFields {
        let value: JSONValue
        do {
            value = try JSONReader.read(json)
        } catch {
            throw AlertDecodingError(.notJSON, "not JSON: \(error.problem) at byte \(error.offset)")
        }
        guard case .object(let members) = value else {
            throw AlertDecodingError(.notJSON, "expected a JSON object, got \(value.kind)")
        }
        return StrictFields(members: members, path: "")
    }
}
