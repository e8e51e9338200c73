import Foundation
import Testing
import VigilJournal

/// The journal on a real SQLite file: order, atomicity with the snapshot, reopening, retention,
/// and reading while writing.
@Suite struct AlertJournalTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-journal-\(UUID().uuidString).sqlite").path
    }

    static func records(_ seqs: ClosedRange<UInt64>, emittedMs: Int64 = 1_000, topic: String = "alert.high.S01.z") -> [JournalRecord] {
        seqs.map { JournalRecord(seq: $0, emittedMs: emittedMs + Int64($0), topic: topic, payload: Array("{\"seq\":\($0)}".utf8)) }
    }

    @Test func appendsAndReadsInOrder() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path)
        #expect(journal.lastSeq == 0 && journal.oldestSeq == 0)
        try journal.append(Self.records(1...3), nowMs: 10)
        try journal.append(Self.records(4...5), nowMs: 11)
        #expect(journal.lastSeq == 5 && journal.oldestSeq == 1 && journal.heldCount == 5)
        let reader = try JournalReader(path: path)
        let page = try reader.page(after: 2, limit: 2)
        #expect(page.records.map(\.seq) == [3, 4])
        #expect(page.records[0] == Self.records(3...3)[0])
        #expect(page.lastSeq == 4 && page.latestSeq == 5 && page.oldestSeq == 1 && page.more)
        let rest = try reader.page(after: page.lastSeq, limit: 100)
        #expect(rest.records.map(\.seq) == [5] && !rest.more)
        let none = try reader.page(after: 5, limit: 100)
        #expect(none.records.isEmpty && none.lastSeq == 5 && !none.more)
    }

    @Test func refusesASeqThatDoesNotContinueTheStream() throws {
        let journal = try AlertJournal(path: Self.temporaryPath())
        try journal.append(Self.records(1...2), nowMs: 0)
        #expect(throws: JournalError.self) { try journal.append(Self.records(4...4), nowMs: 0) }
        #expect(throws: JournalError.self) { try journal.append(Self.records(2...3), nowMs: 0) }
        #expect(journal.lastSeq == 2)
        try journal.append(Self.records(3...3), nowMs: 0)
        #expect(journal.lastSeq == 3)
    }

    @Test func aFailedTransactionStoresNothing() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path)
        try journal.append(Self.records(1...1), nowMs: 0)
        // Another connection holds the write lock past the busy timeout? Too slow for a unit
        // test; a duplicate primary key fails inside the transaction instead.
        let raw = try AlertJournal(path: path)
        try raw.append(Self.records(2...2), nowMs: 0)
        #expect(throws: JournalError.self) { try journal.append(Self.records(2...3), snapshot: [1, 2, 3], nowMs: 5) }
        #expect(journal.lastSeq == 1)
        #expect(try journal.latestSnapshot() == nil)
        let page = try JournalReader(path: path).page(after: 0, limit: 10)
        #expect(page.records.map(\.seq) == [1, 2])
    }

    @Test func reopeningContinuesTheSeqAndFindsTheSnapshot() throws {
        let path = Self.temporaryPath()
        do {
            let journal = try AlertJournal(path: path)
            try journal.append(Self.records(1...7), snapshot: [9, 8, 7], nowMs: 1234)
        }
        let journal = try AlertJournal(path: path)
        #expect(journal.lastSeq == 7 && journal.oldestSeq == 1 && journal.heldCount == 7)
        #expect(try journal.latestSnapshot() == JournalSnapshot(seq: 7, takenMs: 1234, bytes: [9, 8, 7]))
        try journal.append([], snapshot: [1], nowMs: 1300)
        #expect(try journal.latestSnapshot() == JournalSnapshot(seq: 7, takenMs: 1300, bytes: [1]))
    }

    @Test func retentionByAgeKeepsTheSeqGoing() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path, retention: JournalRetention(maxAgeMs: 100, maxBytes: 1 << 30))
        try journal.append(Self.records(1...10, emittedMs: 1_000), nowMs: 0)  // emitted 1001 ... 1010
        #expect(try journal.applyRetention(nowMs: 1_105) == 4)  // before 1005 goes
        #expect(journal.oldestSeq == 5 && journal.heldCount == 6)
        #expect(try journal.applyRetention(nowMs: 10_000) == 6)
        #expect(journal.oldestSeq == 0 && journal.heldCount == 0 && journal.heldBytes == 0)
        // A consumer at seq 3 is told the rest is covered (gone), not to ask again for ever.
        let gone = try JournalReader(path: path).page(after: 3, limit: 10)
        #expect(gone.records.isEmpty && gone.lastSeq == 10 && gone.latestSeq == 10 && gone.oldestSeq == 0 && !gone.more)
        let reopened = try AlertJournal(path: path)
        #expect(reopened.lastSeq == 10 && reopened.oldestSeq == 0)
        try reopened.append(Self.records(11...11, emittedMs: 20_000), nowMs: 0)
        #expect(reopened.oldestSeq == 11)
        let page = try JournalReader(path: path).page(after: 3, limit: 10)
        #expect(page.records.map(\.seq) == [11] && page.oldestSeq == 11)
    }

    @Test func retentionBySizeRemovesTheOldestFirst() throws {
        let one = Self.records(1...1)[0]
        let size = Int64(one.topic.utf8.count + one.payload.count)  // the same for seq 1 ... 9
        let journal = try AlertJournal(path: Self.temporaryPath(), retention: JournalRetention(maxAgeMs: .max / 4, maxBytes: size * 3))
        try journal.append(Self.records(1...9), nowMs: 0)
        #expect(journal.heldBytes == size * 9)
        #expect(try journal.applyRetention(nowMs: 0) == 6)
        #expect(journal.oldestSeq == 7 && journal.heldBytes == size * 3)
    }

    @Test func theTotalsHeldAreKeptAcrossReopeningAndRetention() throws {
        let path = Self.temporaryPath()
        let one = Self.records(1...1)[0]
        let size = Int64(one.topic.utf8.count + one.payload.count)  // the same for seq 1 ... 9
        do {
            let journal = try AlertJournal(path: path, retention: JournalRetention(maxAgeMs: .max / 4, maxBytes: size * 5))
            try journal.append(Self.records(1...9), nowMs: 0)
            #expect(try journal.applyRetention(nowMs: 0) == 4)
        }
        let reopened = try AlertJournal(path: path)
        #expect(reopened.heldCount == 5 && reopened.heldBytes == size * 5 && reopened.oldestSeq == 5 && reopened.lastSeq == 9)
        try reopened.append(Self.records(10...10), nowMs: 0)
        let again = try AlertJournal(path: path)
        #expect(again.heldCount == 6 && again.heldBytes == size * 6 + 1)  // seq 10 has a digit more
    }

    @Test func aJournalOfSchemaOneGetsItsTotalsCountedOnce() throws {
        // Schema 1, as the Vigil before the totals wrote it: no `totals` table.
        let path = Self.temporaryPath()
        let script = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute('CREATE TABLE alerts (seq INTEGER PRIMARY KEY, emitted_ms INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)')
            c.execute('CREATE TABLE state (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, taken_ms INTEGER NOT NULL, value BLOB)')
            c.execute('PRAGMA user_version = 1')
            for seq in range(3, 8):
                c.execute('INSERT INTO alerts VALUES (?, 0, ?, ?)', (seq, 'alert.x', b'0123456789'))
            c.commit()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let journal = try AlertJournal(path: path)
        #expect(journal.heldCount == 5 && journal.heldBytes == 5 * 17 && journal.oldestSeq == 3 && journal.lastSeq == 7)
        try journal.append(Self.records(8...8), nowMs: 0)
        let reopened = try AlertJournal(path: path)
        #expect(reopened.heldCount == 6 && reopened.lastSeq == 8)
    }

    @Test func retentionWalksPastOneChunk() throws {
        let journal = try AlertJournal(path: Self.temporaryPath(), retention: JournalRetention(maxAgeMs: 1, maxBytes: 1 << 30))
        try journal.append(Self.records(1...10_000, emittedMs: 0), nowMs: 0)
        #expect(try journal.applyRetention(nowMs: 20_000) == 10_000)
        #expect(journal.heldCount == 0 && journal.lastSeq == 10_000)
    }

    @Test func aPrefixFiltersButCoversEverything() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path)
        var records: [JournalRecord] = []
        for seq in UInt64(1)...6 {
            let topic = seq % 3 == 0 ? "alert.critical.S01.z" : "alert.low.S01.z"
            records.append(JournalRecord(seq: seq, emittedMs: 0, topic: topic, payload: [UInt8(seq)]))
        }
        try journal.append(records, nowMs: 0)
        let reader = try JournalReader(path: path)
        let page = try reader.page(after: 0, limit: 10, prefix: "alert.critical.")
        #expect(page.records.map(\.seq) == [3, 6] && page.lastSeq == 6 && !page.more)
        let first = try reader.page(after: 0, limit: 1, prefix: "alert.critical.")
        #expect(first.records.map(\.seq) == [3] && first.lastSeq == 3 && first.more)
    }

    @Test func aReaderSeesWhatIsCommittedWhileTheWriterWrites() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path)
        let reader = try JournalReader(path: path)
        #expect(try reader.page(after: 0, limit: 10).latestSeq == 0)
        for batch in 0..<50 {
            let first = UInt64(batch * 20 + 1)
            try journal.append(Self.records(first...(first + 19)), snapshot: Array(repeating: UInt8(batch), count: 4096), nowMs: 0)
            let page = try reader.page(after: first - 1, limit: 100)
            #expect(page.records.count == 20 && page.latestSeq == first + 19)
        }
    }

    @Test func aJournalFromANewerVigilIsRefused() throws {
        let path = Self.temporaryPath()
        _ = try AlertJournal(path: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 99'); c.commit()", path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        #expect {
            try AlertJournal(path: path)
        } throws: { error in
            "\(error)".contains("schema version 99") && "\(error)".contains(path)
        }
    }

    /// The state log (schema 3): patches go into the alerts' transaction and carry their seq; a
    /// whole state, stored later at an earlier turn, makes the rows before it obsolete but not
    /// the patches stored meanwhile after it; reopening finds the log from its last whole state
    /// and the next turn; the newest seq survives retention removing every alert.
    @Test func theStateLogKeepsItsOrderAcrossAWholeStateStoredLate() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path, retention: JournalRetention(maxAgeMs: 1_000))
        func row(_ turn: Int64, whole: Bool = false) -> StateLogRow {
            StateLogRow(turn: turn, whole: whole, seq: 0, takenMs: turn * 10, bytes: [UInt8(turn)])
        }
        try journal.append(Self.records(1...2), patches: [row(2, whole: true)], nowMs: 10)
        try journal.append([], patches: [row(4)], nowMs: 11)
        try journal.append(Self.records(3...3), patches: [row(6)], nowMs: 12)
        #expect(try journal.stateLog().map(\.turn) == [2, 4, 6])
        #expect(try journal.stateLog().map(\.seq) == [2, 2, 3])
        // A whole state taken at turn 5 (after the patch of turn 4), encoded while turn 6 was stored.
        try journal.saveWholeState(StateLogRow(turn: 5, whole: true, seq: 2, takenMs: 50, bytes: [55]))
        #expect(try journal.stateLog().map(\.turn) == [5, 6])
        #expect(try journal.stateLog().first?.whole == true && journal.stateLog().first?.bytes == [55])
        #expect(throws: JournalError.self) { try journal.saveWholeState(StateLogRow(turn: 7, whole: true, seq: 9, takenMs: 0, bytes: [])) }
        try journal.applyRetention(nowMs: 1_000_000)
        #expect(journal.heldCount == 0)
        let reopened = try AlertJournal(path: path)
        #expect(reopened.lastSeq == 3 && reopened.lastTurn == 6)
        #expect(try reopened.stateLog().map(\.turn) == [5, 6])
        #expect(try JournalReader(path: path).page(after: 0, limit: 10).latestSeq == 3)
        try reopened.append(Self.records(4...4), patches: [row(8)], nowMs: 13)
        #expect(try reopened.stateLog().map(\.turn) == [5, 6, 8])
    }
    /// A node that was active and comes back under a later epoch cuts its journal back to what
    /// the winner inherited: the alerts after `seq`, the state rows after `turn`; with no whole
    /// state left, the whole state log (the node then copies the winner's).
    @Test func truncationRemovesWhatTheWinnerNeverHeld() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path)
        func row(_ turn: Int64, whole: Bool = false) -> StateLogRow {
            StateLogRow(turn: turn, whole: whole, seq: 0, takenMs: turn * 10, bytes: [UInt8(turn)])
        }
        try journal.append(Self.records(1...3), patches: [row(2, whole: true)], nowMs: 10)
        try journal.append(Self.records(4...6), patches: [row(4)], nowMs: 11)
        try journal.append([], patches: [row(6)], nowMs: 12)
        // Turn 4's patch knows seq 6: it goes with it, though its turn is kept.
        let removed = try journal.truncate(afterSeq: 4, afterTurn: 4)
        #expect(removed.alerts == 2 && removed.rows == 2)
        #expect(journal.lastSeq == 4 && journal.lastTurn == 2 && journal.heldCount == 4)
        #expect(try journal.stateLog().map(\.turn) == [2])
        let reopened = try AlertJournal(path: path)
        #expect(reopened.lastSeq == 4 && reopened.lastTurn == 2 && reopened.heldCount == 4)
        try reopened.append(Self.records(5...5), patches: [row(6)], nowMs: 13)
        #expect(try JournalReader(path: path).page(after: 0, limit: 10).records.map(\.seq) == [1, 2, 3, 4, 5])
        // Cut before the only whole state: nothing of the state log is left.
        let gone = try reopened.truncate(afterSeq: 5, afterTurn: 1)
        #expect(gone.alerts == 0 && gone.rows == 2 && reopened.lastTurn == 0)
        #expect(try reopened.stateLog().isEmpty && reopened.lastSeq == 5)
    }

    /// The checkpointer copies the writer's log into the database on its own connection, when
    /// due: the log's pages come from the writer's WAL hook.
    @Test func theCheckpointerCopiesTheLogWhenDue() throws {
        let path = Self.temporaryPath()
        let journal = try AlertJournal(path: path, checkpointsElsewhere: true)
        let checkpointer = try JournalCheckpointer(path: path, journal: journal)
        #expect(checkpointer.isDue(nowMs: 0))
        try journal.append(Self.records(1...50), patches: [StateLogRow(turn: 2, whole: true, seq: 0, takenMs: 0, bytes: [1])], nowMs: 0)
        #expect(journal.logFrames.count > 0)
        let copied = try checkpointer.checkpoint(nowMs: 0)
        #expect(copied > 0 && copied == journal.logFrames.count, "copied \(copied) of \(journal.logFrames.count)")
        #expect(!checkpointer.isDue(nowMs: JournalCheckpointer.intervalMs - 1))
        #expect(checkpointer.isDue(nowMs: JournalCheckpointer.intervalMs))
        // After a whole checkpoint the writer starts the log again from its beginning.
        try journal.append(Self.records(51...51), nowMs: 0)
        #expect(journal.logFrames.count < copied)
    }
}
