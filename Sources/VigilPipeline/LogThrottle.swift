/// Lets a notice through at most once per interval per key, and counts the ones held back: a peer
/// retrying every 100 ms, a flood of connections or of bad frames must not flood the log
/// (``ZapHandler``, ``ConnectionGuard``, ``RejectionLog``).
struct LogThrottle {
    private let intervalMs: Int64
    private var entries: [String: (lastMs: Int64, held: UInt64)] = [:]

    /// At most one notice per key every `intervalMs`.
    init(intervalMs: Int64 = 10_000) {
        self.intervalMs = intervalMs
    }

    /// Whether a notice about `key` may be logged at `nowMs`: nil if not (it is counted), or how
    /// many were held back since the last one logged.
    mutating func admit(_ key: String, nowMs: Int64) -> UInt64? {
        var entry = entries[key] ?? (.min / 2, 0)
        guard nowMs - entry.lastMs >= intervalMs else {
            entry.held += 1
            entries[key] = entry
            return nil
        }
        entries[key] = (nowMs, 0)
        return entry.held
    }
}
