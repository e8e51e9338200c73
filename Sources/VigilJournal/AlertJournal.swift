import CSQLite

/// One alert message as journaled: its `seq`, when it was published, and its two frames.
public struct JournalRecord: Sendable, Equatable {
    /// Position in the alert stream.
    public var seq: UInt64
    /// Wall time of publication (the payload's `emitted_ts`), epoch ms: retention judges age by it.
    public var emittedMs: Int64
    /// The topic frame.
    public var topic: String
    /// The payload frame, exactly as published.
    public var payload: [UInt8]

    /// Creates a record.
    public init(seq: UInt64, emittedMs: Int64, topic: String, payload: [UInt8]) {
        self.seq = seq
        self.emittedMs = emittedMs
        self.topic = topic
        self.payload = payload
    }
}

/// The daemon's state as journaled with the alerts it had published by then.
public struct JournalSnapshot: Sendable, Equatable {
    /// The last `seq` journaled with it: the state knows every alert up to it.
    public var seq: UInt64
    /// Wall time it was taken, epoch ms.
    public var takenMs: Int64
    /// The state, in the daemon's own encoding.
    public var bytes: [UInt8]

    /// Creates a snapshot record.
    public init(seq: UInt64, takenMs: Int64, bytes: [UInt8]) {
        self.seq = seq
        self.takenMs = takenMs
        self.bytes = bytes
    }
}

/// One row of the state log: a whole state, or a patch of what changed since the row before
/// (the daemon's encoding; the journal only orders and keeps them).
public struct StateLogRow: Sendable, Equatable {
    /// Its place in the log: rows are applied in this order, from the last whole one.
    public var turn: Int64
    /// Whether it is a whole state (every row before it is then obsolete).
    public var whole: Bool
    /// The last `seq` journaled when it was taken.
    public var seq: UInt64
    /// Wall time it was taken, epoch ms.
    public var takenMs: Int64
    /// The state or the patch.
    public var bytes: [UInt8]

    /// Creates a row.
    public init(turn: Int64, whole: Bool, seq: UInt64, takenMs: Int64, bytes: [UInt8]) {
        self.turn = turn
        self.whole = whole
        self.seq = seq
        self.takenMs = takenMs
        self.bytes = bytes
    }
}

/// How long, and how much, the journal keeps.
public struct JournalRetention: Sendable, Equatable {
    /// Alerts older than this (by `emittedMs`) are removed. Default 7 days.
    public var maxAgeMs: Int64
    /// Past this many bytes of alerts (topics and payloads), the oldest are removed. Default 1 GiB.
    public var maxBytes: Int64

    /// Creates a retention policy.
    public init(maxAgeMs: Int64 = 7 * 86_400_000, maxBytes: Int64 = 1 << 30) {
        self.maxAgeMs = maxAgeMs
        self.maxBytes = maxBytes
    }
}

/// The alert journal's writing side: every alert message, in `seq` order, and the daemon's latest
/// state snapshot, in one SQLite database (WAL mode).
///
/// Each ``append(_:snapshot:)`` is one transaction: the alerts and the snapshot that knows them
/// are stored together or not at all, so a restart always finds a state that matches the stream.
/// The caller appends in batches (everything due since the last commit), so the cost of a commit
/// is shared by all the alerts in it.
///
/// Durability: with `synchronous = NORMAL` (the default) a committed transaction survives the
/// process being killed (it is in the operating system's cache); with `.full` it also survives
/// a power cut, at the price of an fsync per commit.
///
/// Not thread-safe: one writer, owned by one thread. Readers use ``JournalReader``, each with its
/// own connection; WAL lets them read while the writer writes.
public final class AlertJournal {
    /// How hard a commit waits for the disk.
    public enum Synchronous: String, Sendable {
        /// Survives a crash of the process; a power cut may lose the last commits.
        case normal
        /// Survives a power cut too (an fsync per commit).
        case full
    }

    /// The schema this code writes, in `PRAGMA user_version`. 2 added `totals`: the alerts held
    /// and their bytes, kept with every change so that opening never scans the alerts (0.4 s
    /// for a million); and `reviews`, the operators' actions on incidents (``ReviewLog``).
    /// 3 added `state_log`: the state as a whole now and then and patches between
    /// (``StateLogRow``), in place of a state written whole with every alert.
    static let schemaVersion: Int64 = 3

    /// The newest `seq` journaled, as SQL: the newest alert's, or (every alert removed by
    /// retention) the one the state last knew, in the state log (schema 3) or the `seq` row
    /// (schema 2). The writer reads it on opening, ``JournalReader`` for every page.
    static let newestSeq = "max(coalesce((SELECT max(seq) FROM alerts), 0), coalesce((SELECT seq FROM state WHERE name = 'seq'), 0), "
        + "coalesce((SELECT seq FROM state_log ORDER BY turn DESC LIMIT 1), 0))"

    /// The page size of a new journal.
    public static let pageSize = 1_024

    /// The database file.
    public let path: String
    /// The newest `seq` journaled (0 for none): survives retention removing every alert.
    public private(set) var lastSeq: UInt64 = 0
    /// The oldest `seq` still held, 0 when no alert is held.
    public private(set) var oldestSeq: UInt64 = 0
    /// Alerts held, and their bytes (topic and payload).
    public private(set) var heldCount: Int64 = 0
    public private(set) var heldBytes: Int64 = 0
    /// The retention policy.
    public let retention: JournalRetention

    private let db: SQLiteConnection
    /// The pages in the write-ahead log after the last commit, for a ``JournalCheckpointer``
    /// (kept only with `checkpointsElsewhere`).
    public let logFrames = WALFrames()
    private let insert: SQLiteStatement
    private let saveState: SQLiteStatement
    private let oldest: SQLiteStatement
    private let deleteUpTo: SQLiteStatement
    private let saveTotals: SQLiteStatement
    private let insertStateRow: SQLiteStatement
    /// The newest row's place in the state log (0: none).
    public private(set) var lastTurn: Int64 = 0

    /// Opens the journal at `path`, creating it if need be, and reads where it stands.
    /// With `checkpointsElsewhere`, commits never checkpoint: a ``JournalCheckpointer`` does.
    public init(
        path: String, retention: JournalRetention = JournalRetention(), synchronous: Synchronous = .normal, checkpointsElsewhere: Bool = false
    ) throws(JournalError) {
        self.path = path
        self.retention = retention
        db = try SQLiteConnection(path: path)
        // page_size (a new journal only; one made before keeps its own): every commit writes each
        // page it changes whole to the log, and a commit of one alert and its patch changes three
        // (the tails of the alerts and of the state log, the totals). With 1 KiB pages rather
        // than SQLite's 4 KiB, vigild wrote N× less at tens of alerts a minute (README,
        // Benchmarks). journal_size_limit: after each checkpoint the write-ahead log is cut back
        // to 4 MiB; it otherwise keeps the size of its largest burst for ever.
        try db.execute("PRAGMA page_size = \(Self.pageSize);")
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = \(synchronous.rawValue.uppercased()); PRAGMA journal_size_limit = 4194304;")
        if checkpointsElsewhere {
            try db.execute("PRAGMA wal_autocheckpoint = 0;")
            logFrames.watch(db)
        }
        let version = try Self.scalar(db, "PRAGMA user_version")
        guard version <= Self.schemaVersion else {
            throw JournalError("open \(path)", "the journal has schema version \(version); this vigild reads up to \(Self.schemaVersion): it was written by a newer Vigil")
        }
        // A journal of schema 1 gets its totals counted here, once.
        do {
            try db.execute("""
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS alerts (
                seq INTEGER PRIMARY KEY, emitted_ms INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS state (
                name TEXT PRIMARY KEY, seq INTEGER NOT NULL, taken_ms INTEGER NOT NULL, value BLOB);
            CREATE TABLE IF NOT EXISTS totals (
                name TEXT PRIMARY KEY, count INTEGER NOT NULL, bytes INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS reviews (
                id INTEGER PRIMARY KEY, incident TEXT NOT NULL, ts INTEGER NOT NULL, payload BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS reviews_by_incident ON reviews (incident);
            CREATE TABLE IF NOT EXISTS state_log (
                turn INTEGER PRIMARY KEY, whole INTEGER NOT NULL, seq INTEGER NOT NULL, taken_ms INTEGER NOT NULL, value BLOB NOT NULL);
            PRAGMA user_version = \(Self.schemaVersion);
            """)
            if try Self.scalar(db, "SELECT count(*) FROM totals WHERE name = 'alerts'") == 0 {
                try db.execute("""
                INSERT INTO totals (name, count, bytes)
                    SELECT 'alerts', count(*), coalesce(sum(length(topic) + length(payload)), 0) FROM alerts;
                """)
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        insert = try db.prepare("INSERT INTO alerts (seq, emitted_ms, topic, payload) VALUES (?, ?, ?, ?)")
        saveState = try db.prepare("INSERT OR REPLACE INTO state (name, seq, taken_ms, value) VALUES (?, ?, ?, ?)")
        oldest = try db.prepare("SELECT seq, emitted_ms, length(topic) + length(payload) FROM alerts ORDER BY seq LIMIT 4096")
        deleteUpTo = try db.prepare("DELETE FROM alerts WHERE seq <= ?")
        saveTotals = try db.prepare("UPDATE totals SET count = ?, bytes = ? WHERE name = 'alerts'")
        insertStateRow = try db.prepare("INSERT OR REPLACE INTO state_log (turn, whole, seq, taken_ms, value) VALUES (?, ?, ?, ?, ?)")
        let newest = try Self.scalar(db, "SELECT \(Self.newestSeq)")
        lastTurn = try Self.scalar(db, "SELECT coalesce(max(turn), 0) FROM state_log")
        lastSeq = UInt64(newest)
        try recount()
    }

    /// Stores `records` (which must continue the stream: the first is ``lastSeq`` + 1, each
    /// the next) and, when given, the alert state and the whole state snapshot that know them,
    /// in one transaction. On failure nothing is stored and ``lastSeq`` stays: the same records
    /// can be appended again.
    ///
    /// `patches`, rows of the state log (each turn after ``lastTurn``), go into the same
    /// transaction: the state that knows these alerts. With them the journal's last `seq` is
    /// kept in the log, not written again on its own. Returns `patches` as stored (each knowing
    /// the newest `seq`), which is what a standby must store too.
    @discardableResult
    public func append(
        _ records: [JournalRecord], alertState: [UInt8]? = nil, snapshot: [UInt8]? = nil, patches: [StateLogRow] = [], nowMs: Int64
    ) throws(JournalError) -> [StateLogRow] {
        guard !records.isEmpty || snapshot != nil || alertState != nil || !patches.isEmpty else { return [] }
        for (i, record) in records.enumerated() where record.seq != lastSeq + UInt64(i) + 1 {
            throw JournalError("append", "seq \(record.seq) does not continue the journal (expected \(lastSeq + UInt64(i) + 1))")
        }
        let newest = records.last?.seq ?? lastSeq
        let stored = patches.map { row in
            var row = row
            row.seq = newest
            return row
        }
        try transaction(adding: records, rows: stored) { () throws(JournalError) in
            for row in stored { try insert(row) }
            if patches.isEmpty { try save("seq", seq: newest, takenMs: nowMs, value: nil) }
            if let alertState { try save("alert_state", seq: newest, takenMs: nowMs, value: alertState) }
            if let snapshot { try save("snapshot", seq: newest, takenMs: nowMs, value: snapshot) }
        }
        return stored
    }

    /// Stores a transaction copied from another node's journal (a standby following the active:
    /// `ReplicationFollower`): `records` with their own `seq`, `emitted_ms` and bytes, and `rows`
    /// of the state log as the active stored them (a whole state removes the rows before it), in
    /// one transaction. The records must continue this journal, except on a journal that holds no
    /// alert when `restart` is set: it then starts at the first record (the active's retention
    /// removed what came before). Records this journal already holds (a resent copy) are
    /// skipped; rows are stored again as they are (the same bytes: storing one twice changes
    /// nothing), since a whole state is stored after the patches that follow its turn. Returns
    /// whether anything was stored.
    @discardableResult
    public func appendCopied(_ records: [JournalRecord], rows: [StateLogRow], restart: Bool = false, nowMs: Int64) throws(JournalError) -> Bool {
        let records = records.filter { $0.seq > lastSeq }
        // A patch before the newest whole state is obsolete (it was resent after the whole).
        let lastWhole = try Self.scalar(db, "SELECT coalesce(max(turn), 0) FROM state_log WHERE whole = 1")
        let rows = rows.filter { $0.whole || $0.turn > lastWhole }
        guard !records.isEmpty || !rows.isEmpty else { return false }
        if let start = records.first?.seq {
            guard start == lastSeq + 1 || (restart && heldCount == 0) else {
                throw JournalError("copy", "seq \(start) does not continue the journal (expected \(lastSeq + 1))")
            }
            for (i, record) in records.enumerated() where record.seq != start + UInt64(i) {
                throw JournalError("copy", "seq \(record.seq) does not follow seq \(start + UInt64(i) - 1)")
            }
        }
        let newest = records.last?.seq ?? lastSeq
        for row in rows where row.seq > newest {
            throw JournalError("copy", "the state log's turn \(row.turn) knows seq \(row.seq), past the journal's last, \(newest)")
        }
        try transaction(adding: records, rows: rows) { () throws(JournalError) in
            for row in rows { try insert(row) }
            if rows.contains(where: \.whole) { try db.execute("DELETE FROM state WHERE name IN ('snapshot', 'alert_state');") }
            if !records.isEmpty { try save("seq", seq: newest, takenMs: nowMs, value: nil) }
        }
        return true
    }

    /// The alert at `seq`, if this journal holds it (a standby compares its newest with the
    /// active's before it follows).
    public func record(at seq: UInt64) throws(JournalError) -> JournalRecord? {
        guard let stored = Int64(exactly: seq) else { return nil }
        let query = try db.prepare("SELECT seq, emitted_ms, topic, payload FROM alerts WHERE seq = ?")
        defer { query.reset() }
        query.bind(1, stored)
        guard try query.step("read seq \(seq)") else { return nil }
        return JournalRecord(seq: UInt64(bitPattern: query.int64(0)), emittedMs: query.int64(1), topic: query.text(2), payload: query.blob(3))
    }

    /// Removes the alerts after `seq` and the state log's rows after `turn` (or that know an alert
    /// after `seq`), in one transaction:
    /// what a node that was active stored but never had acknowledged, hence never published,
    /// before it follows the node elected after it (docs/failover.md, section 7.4). When that
    /// leaves no whole state, the whole state log goes, so that the node copies the active's
    /// from its last whole state. Returns how many alerts and rows were removed.
    public func truncate(afterSeq seq: UInt64, afterTurn turn: Int64) throws(JournalError) -> (alerts: Int, rows: Int) {
        guard let after = Int64(exactly: seq) else { return (0, 0) }
        try db.execute("BEGIN IMMEDIATE")
        do {
            let alerts = try Self.scalar(db, "SELECT count(*) FROM alerts WHERE seq > \(after)")
            let bytes = try Self.scalar(db, "SELECT coalesce(sum(length(topic) + length(payload)), 0) FROM alerts WHERE seq > \(after)")
            // A row that knows an alert removed here goes too, whatever its turn.
            let stale = "turn > \(turn) OR seq > \(after)"
            var rows = try Self.scalar(db, "SELECT count(*) FROM state_log WHERE \(stale)")
            try db.execute("DELETE FROM alerts WHERE seq > \(after); DELETE FROM state_log WHERE \(stale);")
            if try Self.scalar(db, "SELECT count(*) FROM state_log WHERE whole = 1") == 0 {
                rows += try Self.scalar(db, "SELECT count(*) FROM state_log")
                try db.execute("DELETE FROM state_log")
            }
            if alerts > 0 { try storeTotals(count: heldCount - alerts, bytes: heldBytes - bytes) }
            try db.execute("DELETE FROM state WHERE name = 'seq' AND seq > \(after)")
            try db.execute("COMMIT")
            heldCount -= alerts
            heldBytes -= bytes
            lastSeq = UInt64(try Self.scalar(db, "SELECT \(Self.newestSeq)"))
            lastTurn = try Self.scalar(db, "SELECT coalesce(max(turn), 0) FROM state_log")
            oldestSeq = UInt64(try Self.scalar(db, "SELECT coalesce(min(seq), 0) FROM alerts"))
            return (Int(alerts), Int(rows))
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// One transaction that stores `records` (already checked to continue the journal), does
    /// `more`, and keeps the totals; ``lastSeq``, ``lastTurn`` (from `rows`) and the counts follow
    /// once it is committed. On failure it is rolled back and nothing changes.
    private func transaction(adding records: [JournalRecord], rows: [StateLogRow], _ more: () throws(JournalError) -> Void) throws(JournalError) {
        try db.execute("BEGIN IMMEDIATE")
        do {
            var bytes: Int64 = 0
            for record in records {
                insert.bind(1, Int64(bitPattern: record.seq))
                insert.bind(2, record.emittedMs)
                insert.bind(3, record.topic)
                insert.bind(4, record.payload)
                try insert.run("store seq \(record.seq)")
                bytes += Int64(record.topic.utf8.count + record.payload.count)
            }
            try more()
            if !records.isEmpty { try storeTotals(count: heldCount + Int64(records.count), bytes: heldBytes + bytes) }
            try db.execute("COMMIT")
            if let first = records.first, oldestSeq == 0 { oldestSeq = first.seq }
            lastSeq = records.last?.seq ?? lastSeq
            lastTurn = max(lastTurn, rows.map(\.turn).max() ?? 0)
            heldCount += Int64(records.count)
            heldBytes += bytes
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Stores a whole state snapshot that knows every alert up to `seq` (encoded off the writer's
    /// thread, while later alerts may have been journaled), in a transaction of its own.
    public func saveSnapshot(_ bytes: [UInt8], seq: UInt64, takenMs: Int64) throws(JournalError) {
        guard seq <= lastSeq else { throw JournalError("save the snapshot", "seq \(seq) is past the journal's last, \(lastSeq)") }
        try db.execute("BEGIN IMMEDIATE")
        do {
            try save("snapshot", seq: seq, takenMs: takenMs, value: bytes)
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Stores a whole state (taken at its turn, encoded off the writer's thread while later
    /// patches may have been stored) and removes the rows it makes obsolete: the log's rows
    /// before it, and the state written whole with alerts by schema 2.
    public func saveWholeState(_ row: StateLogRow) throws(JournalError) {
        guard row.seq <= lastSeq else { throw JournalError("save the whole state", "seq \(row.seq) is past the journal's last, \(lastSeq)") }
        try db.execute("BEGIN IMMEDIATE")
        do {
            var whole = row
            whole.whole = true
            try insert(whole)
            try db.execute("DELETE FROM state WHERE name IN ('snapshot', 'alert_state');")
            try db.execute("COMMIT")
            lastTurn = max(lastTurn, row.turn)
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// The state log from its last whole state on, in order; empty when it has none (a new
    /// journal, or one of schema 2: ``latestSnapshot()`` and ``latestAlertState()`` then).
    public func stateLog() throws(JournalError) -> [StateLogRow] {
        let query = try db.prepare(
            "SELECT turn, whole, seq, taken_ms, value FROM state_log WHERE turn >= (SELECT max(turn) FROM state_log WHERE whole = 1) ORDER BY turn")
        defer { query.reset() }
        var rows: [StateLogRow] = []
        while try query.step("read the state log") { rows.append(query.stateLogRow()) }
        return rows
    }

    /// Stores `row`, inside the caller's transaction; a whole state removes the rows before it.
    private func insert(_ row: StateLogRow) throws(JournalError) {
        insertStateRow.bind(1, row.turn)
        insertStateRow.bind(2, row.whole ? 1 : 0)
        insertStateRow.bind(3, Int64(bitPattern: row.seq))
        insertStateRow.bind(4, row.takenMs)
        insertStateRow.bind(5, row.bytes)
        try insertStateRow.run("store the state log's turn \(row.turn)")
        if row.whole { try db.execute("DELETE FROM state_log WHERE turn < \(row.turn)") }
    }

    private func save(_ name: String, seq: UInt64, takenMs: Int64, value: [UInt8]?) throws(JournalError) {
        saveState.bind(1, name)
        saveState.bind(2, Int64(bitPattern: seq))
        saveState.bind(3, takenMs)
        if let value { saveState.bind(4, value) } else { saveState.bindNull(4) }
        try saveState.run("save the \(name)")
    }

    /// The latest whole state snapshot, if one was ever stored.
    public func latestSnapshot() throws(JournalError) -> JournalSnapshot? {
        try state(named: "snapshot")
    }

    /// The latest alert state (stored with alerts, between whole snapshots), if one was ever stored.
    public func latestAlertState() throws(JournalError) -> JournalSnapshot? {
        try state(named: "alert_state")
    }

    private func state(named name: String) throws(JournalError) -> JournalSnapshot? {
        let query = try db.prepare("SELECT seq, taken_ms, value FROM state WHERE name = '\(name)'")
        defer { query.reset() }
        guard try query.step("read the \(name)"), !query.isNull(2) else { return nil }
        return JournalSnapshot(seq: UInt64(bitPattern: query.int64(0)), takenMs: query.int64(1), bytes: query.blob(2))
    }

    /// Removes, oldest first, the alerts older than ``JournalRetention/maxAgeMs`` and those past
    /// ``JournalRetention/maxBytes``. Returns how many were removed.
    @discardableResult
    public func applyRetention(nowMs: Int64) throws(JournalError) -> Int {
        let cutoff = nowMs - retention.maxAgeMs
        var removed = 0
        while heldCount > 0 {
            // Walk from the oldest, a chunk at a time, to the first alert that may stay.
            var upTo: UInt64?
            var count: Int64 = 0, bytes: Int64 = 0
            var exhausted = true
            while try oldest.step("read the oldest alerts") {
                let size = oldest.int64(2)
                guard oldest.int64(1) < cutoff || heldBytes - bytes > retention.maxBytes else {
                    exhausted = false
                    break
                }
                upTo = UInt64(bitPattern: oldest.int64(0))
                count += 1
                bytes += size
            }
            oldest.reset()
            guard let upTo else { break }
            try db.execute("BEGIN IMMEDIATE")
            do {
                deleteUpTo.bind(1, Int64(bitPattern: upTo))
                try deleteUpTo.run("remove alerts up to seq \(upTo)")
                try storeTotals(count: heldCount - count, bytes: heldBytes - bytes)
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
            heldCount -= count
            heldBytes -= bytes
            removed += Int(count)
            oldestSeq = UInt64(try Self.scalar(db, "SELECT coalesce(min(seq), 0) FROM alerts"))
            if !exhausted { break }
        }
        return removed
    }

    /// Reads the oldest `seq` (from the key's index) and the count and bytes held (from
    /// `totals`), on opening; then they are kept up to date as alerts come and go.
    private func recount() throws(JournalError) {
        oldestSeq = UInt64(bitPattern: try Self.scalar(db, "SELECT coalesce(min(seq), 0) FROM alerts"))
        let query = try db.prepare("SELECT count, bytes FROM totals WHERE name = 'alerts'")
        defer { query.reset() }
        guard try query.step("read the journal's totals") else { return }
        heldCount = query.int64(0)
        heldBytes = query.int64(1)
    }

    /// Stores the count and bytes held, inside the caller's transaction.
    private func storeTotals(count: Int64, bytes: Int64) throws(JournalError) {
        saveTotals.bind(1, count)
        saveTotals.bind(2, bytes)
        try saveTotals.run("update the journal's totals")
    }

    static func scalar(_ db: SQLiteConnection, _ sql: String) throws(JournalError) -> Int64 {
        let query = try db.prepare(sql)
        defer { query.reset() }
        guard try query.step(sql) else { return 0 }
        return query.int64(0)
    }
}
