import VigilClient

/// A ``TailOutput`` that keeps what it is given: the alerts' payloads as flushed, and how many
/// flushes wrote something. Not a regular file: never marked, never cut back.
struct MemoryOutput: TailOutput {
    /// The payloads written, in order.
    private(set) var written: [[UInt8]] = []
    /// Flushes that wrote something.
    private(set) var flushes = 0
    private var pending: [[UInt8]] = []

    var taken: Int { written.count + pending.count }

    mutating func take(_ payload: [UInt8]) throws { pending.append(payload) }

    mutating func flush() throws(VigilClientError) -> Bool {
        guard !pending.isEmpty else { return false }
        written += pending
        pending.removeAll()
        flushes += 1
        return true
    }

    func mark() -> TailPosition.OutputMark? { nil }

    func truncate(to size: Int64) throws(VigilClientError) {}
}
