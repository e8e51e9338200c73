/// Why some input is not an alert message (strict decoding, `AlertMessage.decode`): a code, the
/// field at fault (when one is) and what was expected, e.g. `field "severity": expected critical, high, medium or low, got "urgent"`.
public struct AlertDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The input is not JSON, or not a JSON object.
        public static let notJSON = Code("not_json")
        /// A required field is absent (or null).
        public static let missingField = Code("missing_field")
        /// A field has the wrong JSON type.
        public static let wrongType = Code("wrong_type")
        /// A field's value is outside what the contract allows.
        public static let badValue = Code("bad_value")
        /// `v` is not a version this reader knows.
        public static let badVersion = Code("bad_version")

        /// The code's name, e.g. `missing_field`.
        public var description: String { name }
    }

    /// What kind of problem.
    public var code: Code
    /// The field at fault as a path (`severity`, `stretch.from[1]`), or nil for the whole input.
    public var field: String?
    /// What is wrong and what was expected.
    public var problem: String

    /// An error.
    public init(_ code: Code, field: String? = nil, _ problem: String) {
        self.code = code
        self.field = field
        self.problem = problem
    }

    /// `field "x": problem`, or the problem alone.
    public var description: String {
        field.map { "field \"\($0)\": \(problem)" } ?? problem
    }
}
