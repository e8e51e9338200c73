/// One page of the journal, as the catch-up endpoint serves it.
public struct JournalPage: Sendable, Equatable {
    /// The alerts, in `seq` order.
    public var records: [JournalRecord]
    /// The last `seq` this page covers: ask again after it. With a prefix, alerts that do not
    /// match it are covered without being in ``records``.
    public var lastSeq: UInt64
    /// The newest `seq` journaled.
    public var latestSeq: UInt64
    /// The oldest `seq` still held, 0 when none is.
    public var oldestSeq: UInt64

    /// Whether there is more after this page.
    public var more: Bool { lastSeq < latestSeq }
}

/// The journal's reading side, for serving catch-up: its own connection, so it reads while the
/// writer writes (WAL). Not thread-safe: one reader, one thread.
public final class JournalReader {
    /// Rows examined per page at most when a prefix filters them, so one request never scans
    /// the whole journal.
    public static let maxScan = 20_000

    private let db: SQLiteConnection
    private let rows: SQLiteStatement
    private let bounds: SQLiteStatement
    private let emittedAt: SQLiteStatement

    /// Opens the journal at `path` (which the writer has created) for reading.
    public init(path: String) throws(JournalError) {
        db = try SQLiteConnection(path: path, readOnly: true)
        rows = try db.prepare("SELECT seq, emitted_ms, topic, payload FROM alerts WHERE seq > ? ORDER BY seq LIMIT ?")
        bounds = try db.prepare("SELECT \(AlertJournal.newestSeq), coalesce((SELECT min(seq) FROM alerts), 0)")
        emittedAt = try db.prepare("SELECT seq, emitted_ms FROM alerts WHERE seq >= ? ORDER BY seq LIMIT 1")
    }

    /// Up to `limit` alerts after `after` whose topic starts with `prefix` (every alert when it
    /// is empty), read in one transaction so the bounds and the alerts agree.
    ///
    /// Total over its arguments: `after` may be any `UInt64` (past `Int64.max`, beyond any `seq`
    /// SQLite can hold, the page is empty and covers nothing more); a `limit` below 1 is taken
    /// as 1 (a page of none would claim to cover the rest of the journal).
    public func page(after: UInt64, limit: Int, prefix: String = "") throws(JournalError) -> JournalPage {
        let limit = max(1, limit)
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        defer { bounds.reset() }
        guard try bounds.step("read the journal's bounds") else { throw JournalError("read the journal's bounds", "no row") }
        let latest = UInt64(bitPattern: bounds.int64(0)), oldest = UInt64(bitPattern: bounds.int64(1))
        var page = JournalPage(records: [], lastSeq: after, latestSeq: latest, oldestSeq: oldest)
        let prefixBytes = Array(prefix.utf8)
        // A `seq` is an SQLite integer, at most Int64.max: nothing lies after a larger `after`
        // (its bit pattern, negative, would ask for everything).
        guard let storedAfter = Int64(exactly: after) else { return page }
        rows.bind(1, storedAfter)
        rows.bind(2, Int64(prefix.isEmpty ? limit : max(limit, Self.maxScan)))
        defer { rows.reset() }
        while try rows.step("read alerts after seq \(after)") {
            let seq = UInt64(bitPattern: rows.int64(0))
            let topic = rows.text(2)
            page.lastSeq = seq
            guard prefixBytes.isEmpty || topic.utf8.starts(with: prefixBytes) else { continue }
            page.records.append(JournalRecord(seq: seq, emittedMs: rows.int64(1), topic: topic, payload: rows.blob(3)))
            if page.records.count == limit { break }
        }
        // Nothing left after `after` though the journal went further: retention removed the
        // rest, and this page covers it (a consumer must not be told to ask again for ever).
        if page.lastSeq == after && latest > after { page.lastSeq = latest }
        return page
    }

    /// The state log's rows a copy of this journal needs after its own row `turn`: the rows
    /// after it, or, when the log's last whole state is past it (the rows between are gone),
    /// that whole state and every row after it. In turn order; empty when there is nothing new.
    public func stateRows(after turn: Int64) throws(JournalError) -> [StateLogRow] {
        let query = try db.prepare("""
            SELECT turn, whole, seq, taken_ms, value FROM state_log
            WHERE turn > min(?, coalesce((SELECT max(turn) FROM state_log WHERE whole = 1) - 1, ?)) ORDER BY turn
            """)
        defer { query.reset() }
        query.bind(1, turn)
        query.bind(2, turn)
        var rows: [StateLogRow] = []
        while try query.step("read the state log after turn \(turn)") { rows.append(query.stateLogRow()) }
        return rows
    }

    /// The `seq` before the first alert held that was published at `ms` or later (so that
    /// ``page(after:limit:prefix:)`` from it starts there): a binary search over `seq`, a few
    /// index lookups, since alerts are published in `seq` order. (A wall clock stepped back
    /// while alerts were journaled can make it start a little early or late around the step.)
    public func seq(before ms: Int64) throws(JournalError) -> UInt64 {
        let first = try page(after: 0, limit: 1)
        guard first.oldestSeq > 0, let latest = Int64(exactly: first.latestSeq) else { return first.latestSeq }
        var low = Int64(first.oldestSeq), high = latest + 1
        while low < high {
            let middle = low + (high - low) / 2
            emittedAt.bind(1, middle)
            defer { emittedAt.reset() }
            guard try emittedAt.step("find the alerts published from \(ms)") else {
                high = middle
                continue
            }
            if emittedAt.int64(1) >= ms { high = middle } else { low = emittedAt.int64(0) + 1 }
        }
        return UInt64(max(low - 1, 0))
    }
}

extension SQLiteStatement {
    /// The row at hand, read from `turn, whole, seq, taken_ms, value` (in that order) of
    /// `state_log`.
    func stateLogRow() -> StateLogRow {
        StateLogRow(turn: int64(0), whole: int64(1) != 0, seq: UInt64(bitPattern: int64(2)), takenMs: int64(3), bytes: blob(4))
    }
}
