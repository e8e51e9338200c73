/// A capture that cannot be opened, read, parsed or written. Names the file and, for a bad
/// line, its number.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (`<stdin>`, `<stdout>` for `-`).
    public var file: String
    /// The line at fault, from 1; `nil` when the error concerns the whole file.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message`.
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
