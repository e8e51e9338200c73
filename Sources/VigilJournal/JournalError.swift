/// A journal operation that failed: what was being done, and SQLite's own message.
public struct JournalError: Error, CustomStringConvertible, Sendable {
    /// What was being done (`open /var/lib/vigil/journal.sqlite`, `append`).
    public var operation: String
    /// SQLite's result code (`SQLITE_FULL` is 13), or 0 for an error found by Vigil.
    public var code: Int32
    /// SQLite's message, or Vigil's.
    public var message: String

    /// Creates an error.
    public init(_ operation: String, code: Int32 = 0, _ message: String) {
        self.operation = operation
        self.code = code
        self.message = message
    }

    /// `operation: message (SQLite code N)`.
    public var description: String {
        code == 0 ? "\(operation): \(message)" : "\(operation): \(message) (SQLite code \(code))"
    }
}
