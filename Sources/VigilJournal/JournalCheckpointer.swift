import CSQLite
import Synchronization

/// Copies the journal's write-ahead log back into the database on a connection of its own, so
/// the writer never does it inside a commit.
///
/// SQLite checkpoints on the committing connection by default (every 1,000 pages, ~4 MB), and with
/// `synchronous = NORMAL` a checkpoint syncs the database file: measured in vigild, the commits
/// that carried one were its p99 (7–12 ms against a mean of 0.7 ms). The writer opens the
/// journal with `checkpointsElsewhere` (no automatic checkpoint) and this connection, on its own
/// thread, runs a PASSIVE checkpoint (it never blocks the writer or the readers) when
/// ``isDue(nowMs:)``: every minute, or as soon as the log holds 4,096 pages (4 MiB). Each
/// checkpoint writes every page the log changed once, however many commits changed it: at tens
/// of alerts a minute, the same few pages (the tails of the alerts and of the state log, the
/// totals) make most commits, and checkpoints every second wrote them back nearly once per
/// commit (1.4 GB a day at 20,000 frames/s and 12 crossings a minute; see the README).
///
/// Not thread-safe: one thread or serial queue.
public final class JournalCheckpointer {
    private let db: SQLiteConnection

    private let logFrames: WALFrames?
    private var lastMs: Int64 = .min / 2
    /// The longest time between two checkpoints.
    public static let intervalMs: Int64 = 60_000
    /// The most pages the log holds before a checkpoint is due at once (4 MiB of 1 KiB pages).
    public static let maxLogFrames = 4_096

    /// Opens a connection to the journal at `path` (which the writer has created); `journal`, its
    /// writer, tells how many pages its log holds after each commit.
    public init(path: String, journal: AlertJournal? = nil) throws(JournalError) {
        db = try SQLiteConnection(path: path)
        // A connection knows the database is in WAL mode only once it has read it: until then a
        // checkpoint does nothing and says so only by a log of -1 frames (which the checkpoints
        // of issue 16 took for success, leaving the log to grow for ever).
        try db.execute("PRAGMA journal_mode = WAL;")
        logFrames = journal?.logFrames
    }

    /// Whether a checkpoint is due at `nowMs` (wall or monotonic, the same for every call):
    /// ``intervalMs`` since the last, or the log past ``maxLogFrames`` (always, without a writer
    /// to ask).
    public func isDue(nowMs: Int64) -> Bool {
        guard let logFrames else { return true }
        return nowMs - lastMs >= Self.intervalMs || logFrames.count >= Self.maxLogFrames
    }

    /// Copies what it can of the log into the database; returns the pages copied.
    @discardableResult
    public func checkpoint(nowMs: Int64 = 0) throws(JournalError) -> Int {
        lastMs = nowMs
        var log: Int32 = 0, copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        guard rc == SQLITE_OK || rc == SQLITE_BUSY else { throw JournalError("checkpoint", code: rc, db.errorMessage) }
        guard log >= 0 else { throw JournalError("checkpoint", "the journal is not in WAL mode on the checkpointer's connection") }
        return Int(copied)
    }
}

/// The pages in the journal's write-ahead log after the writer's last commit (SQLite's WAL hook):
/// read by the checkpointer's thread, written by the writer's.
public final class WALFrames: Sendable {
    private let frames = Atomic<Int>(0)

    /// The pages in the log.
    public var count: Int { frames.load(ordering: .relaxed) }

    func store(_ count: Int) { frames.store(count, ordering: .relaxed) }

    /// Has `db` report its log's pages here after each commit (in place of the automatic
    /// checkpoint, which is off).
    func watch(_ db: SQLiteConnection) {
        sqlite3_wal_hook(
            db.handle,
            { context, _, _, frames in
                if let context { Unmanaged<WALFrames>.fromOpaque(context).takeUnretainedValue().store(Int(frames)) }
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }
}
