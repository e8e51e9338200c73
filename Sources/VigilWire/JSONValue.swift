/// A JSON value as ``JSONReader`` reads it, for the wire's decoders (alert messages, heartbeats).
///
/// Numbers keep their text, so that a reader can tell `3` from `3.0` and take a 64-bit integer
/// exactly; an object keeps its members in a dictionary (a repeated key: the last one counts).
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    /// The number as written (valid JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value in words, for error messages: "a string", "an integer", ...
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The integer this number is, when it is one in `T`'s range: `12`, `-3`, and `1.0` or `1e2`
    /// (an exact integer written otherwise, up to 2^53); nil for anything else.
    func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard case .number(let text) = self else { return nil }
        if let exact = T(text) { return exact }
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let value = Double(text), value.isFinite,
            value == value.rounded(), abs(value) <= 9_007_199_254_740_992
        else { return nil }
        return T(exactly: value)
    }

    /// The number as a Double; nil when it is not a number or does not fit (`1e400`).
    var double: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
