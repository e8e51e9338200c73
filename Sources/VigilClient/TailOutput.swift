/// Where a ``ResumingTail`` delivers alerts: the command's printer (`vigil tail` writes JSON or
/// CAP lines to standard output), or a test's list.
///
/// The tail takes alerts one at a time and then, once per batch, flushes: the output writes all
/// it holds at once and the tail saves its position right after. For exactly-once delivery
/// across kills the output also says where it stands (``mark()``) and can be cut back to a mark
/// (``truncate(to:)``); an output that is not a regular file returns nil and is never cut.
public protocol TailOutput {
    /// Alerts taken so far, including those not yet flushed (`count` stops the tail on it).
    var taken: Int { get }

    /// Takes an alert that passed the filters: its payload as published. An error skips the
    /// alert (the tail notes it and goes on).
    mutating func take(_ payload: [UInt8]) throws

    /// Writes out everything taken since the last flush, at once; whether there was anything.
    mutating func flush() throws(VigilClientError) -> Bool

    /// The regular file the output goes to and its size now; nil when it is not a regular file.
    func mark() -> TailPosition.OutputMark?

    /// Cuts the output back to `size` bytes (only ever called after ``mark()`` named the file).
    func truncate(to size: Int64) throws(VigilClientError)
}
