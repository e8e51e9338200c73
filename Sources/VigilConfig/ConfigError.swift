/// A mistake in a configuration file: which file, which key or feature, and what was expected.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault, as given.
    public var file: String
    /// The key path (`ingest.bind[1]`) or feature (`features[3] (id cam-rabia-02)`) at fault.
    public var key: String
    /// What was expected, and what was found.
    public var message: String

    /// Creates a configuration error.
    public init(file: String, key: String, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    /// `file: key: message`, the form printed to an operator.
    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
    }
}
