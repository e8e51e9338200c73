import Foundation
import Logging
import Testing
import VigilJournal
import ZeroMQ
@testable import VigilCluster

/// Journal replication over real ZeroMQ sockets between real journals (SQLite files in a
/// temporary folder): a standby's journal becomes the active's, row for row and byte for byte.
@Suite struct ReplicationTests {
    /// Two journals, the active's and the standby's, in a folder of their own.
    final class Pair {
        let folder: String
        let active: AlertJournal
        let standby: AlertJournal
        let context: ZMQContext
        let endpoint: String

        init() throws {
            folder = NSTemporaryDirectory() + "vigil-replication-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            active = try AlertJournal(path: folder + "/active.sqlite")
            standby = try AlertJournal(path: folder + "/standby.sqlite")
            context = try ZMQContext()
            endpoint = "ipc://\(folder)/replication"
        }

        deinit {
            context.terminate()
            try? FileManager.default.removeItem(atPath: folder)
        }

        func source() throws -> ReplicationSource {
            try ReplicationSource(context: context, bind: [endpoint], journalPath: active.path, node: "a", logger: Logger(label: "test.source"))
        }

        func follower(_ journal: AlertJournal? = nil, node: String = "b") throws -> ReplicationFollower {
            try ReplicationFollower(context: context, endpoint: endpoint, journal: journal ?? standby, node: node, logger: Logger(label: "test.follower"))
        }

        /// A source started at the active journal's position, and the standby following it.
        func started() throws -> (ReplicationSource, ReplicationFollower) {
            let source = try source()
            source.start(position: .init(seq: active.lastSeq, turn: active.lastTurn))
            let follower = try follower()
            follower.start()
            return (source, follower)
        }

        static func stop(_ source: ReplicationSource, _ follower: ReplicationFollower) {
            _ = follower.stop(deadline: .now() + 2)
            _ = source.stop(deadline: .now() + 2)
        }
    }

    /// Now, when the tests started: alerts are recent, or the journals' retention (7 days) takes them.
    static let baseMs = Int64(Date().timeIntervalSince1970 * 1_000)

    static func alert(_ seq: UInt64, _ text: String = "", emittedMs: Int64? = nil) -> JournalRecord {
        JournalRecord(
            seq: seq, emittedMs: emittedMs ?? baseMs + Int64(seq), topic: "alert.critical.S07.border",
            payload: Array("{\"v\":1,\"seq\":\(seq),\"kind\":\"crossing\"\(text)}".utf8))
    }

    static func patch(_ turn: Int64, whole: Bool = false, seq: UInt64) -> StateLogRow {
        StateLogRow(turn: turn, whole: whole, seq: seq, takenMs: baseMs + turn, bytes: Array("state \(turn) \(whole)".utf8))
    }

    /// Stores alerts `from...to` with a patch in the active's journal, as the writer does, and
    /// hands the transaction to `source`.
    static func commit(_ pair: Pair, _ range: ClosedRange<UInt64>, turn: Int64, to source: ReplicationSource?) throws {
        let records = range.map { alert($0) }
        let row = patch(turn, seq: range.upperBound)
        try pair.active.append(records, patches: [row], nowMs: baseMs)
        source?.committed(alerts: records, stateRows: [row])
    }

    static func everything(_ journal: AlertJournal) throws -> [JournalRecord] {
        let reader = try JournalReader(path: journal.path)
        return try reader.page(after: 0, limit: 1_000_000).records
    }

    /// Polls `condition` every 10 ms for up to `seconds`.
    static func eventually(within seconds: Double = 10, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try condition()
    }

    @Test func aStandbyCopiesTheBacklogThenEveryCommitByteForByte() async throws {
        let pair = try Pair()
        // A backlog of more than two pages, a whole state among the patches.
        var turn: Int64 = 0
        for start in stride(from: UInt64(1), through: 2_400, by: 100) {
            turn += 2
            try Self.commit(pair, start...(start + 99), turn: turn, to: nil)
        }
        try pair.active.saveWholeState(Self.patch(turn + 1, whole: true, seq: 2_400))
        turn += 2
        try Self.commit(pair, 2_401...2_410, turn: turn, to: nil)
        let (source, follower) = try pair.started()
        defer { Pair.stop(source, follower) }
        #expect(try await Self.eventually { pair.standby.lastSeq == 2_410 })
        // Live commits, and a whole state stored after a later patch (as the writer does).
        for start in stride(from: UInt64(2_411), through: 2_460, by: 10) {
            turn += 2
            try Self.commit(pair, start...(start + 9), turn: turn, to: source)
        }
        let whole = Self.patch(turn - 1, whole: true, seq: 2_460)
        try pair.active.saveWholeState(whole)
        source.committed(alerts: [], stateRows: [whole])
        turn += 2
        try Self.commit(pair, 2_461...2_461, turn: turn, to: source)
        #expect(try await Self.eventually { pair.standby.lastSeq == 2_461 && pair.standby.lastTurn == turn })
        #expect(try Self.everything(pair.standby) == Self.everything(pair.active))
        #expect(try pair.standby.stateLog() == pair.active.stateLog())
        #expect(try pair.standby.stateLog().first == whole)
        #expect(source.status().map(\.node) == ["b"])
        #expect(try await Self.eventually { source.status().first?.sync == true })
    }

    @Test func theWriterWaitsForItsSyncStandbyAndGoesOnWithoutOneThatIsGone() async throws {
        let pair = try Pair()
        let source = try pair.source()
        source.start(position: .init(seq: 0, turn: 0))
        defer { _ = source.stop(deadline: .now() + 2) }
        // No standby: nothing to wait for.
        try Self.commit(pair, 1...1, turn: 2, to: source)
        #expect(source.awaitSync(seq: 1, timeoutMs: 2_000) == [])
        let follower = try pair.follower()
        follower.start()
        #expect(try await Self.eventually { source.status().first?.sync == true })
        try Self.commit(pair, 2...3, turn: 4, to: source)
        #expect(source.awaitSync(seq: 3, timeoutMs: 5_000) == [])
        // Acknowledged before the call returned: the standby holds what is about to be published.
        #expect(pair.standby.lastSeq == 3)
        _ = follower.stop(deadline: .now() + 2)
        try Self.commit(pair, 4...4, turn: 6, to: source)
        let started = Date()
        #expect(source.awaitSync(seq: 4, timeoutMs: 300) == ["b"])
        #expect(Date().timeIntervalSince(started) >= 0.29)
        try Self.commit(pair, 5...5, turn: 8, to: source)
        #expect(source.awaitSync(seq: 5, timeoutMs: 5_000) == [])
        #expect(source.status().first?.sync != true)
    }

    @Test func aStandbyWhoseJournalDiffersIsRefusedAndItsJournalLeftAlone() async throws {
        let pair = try Pair()
        try Self.commit(pair, 1...3, turn: 2, to: nil)
        try pair.standby.append([Self.alert(1), Self.alert(2), Self.alert(3, ",\"other\":true")], nowMs: 0)
        let (source, follower) = try pair.started()
        defer { Pair.stop(source, follower) }
        #expect(try await Self.eventually { follower.status().refused != nil })
        #expect(follower.status().refused?.contains("differs from the active's at seq 3") == true)
        #expect(try Self.everything(pair.standby).last == Self.alert(3, ",\"other\":true"))
    }

    @Test func aStandbyAheadOfTheActiveIsRefused() async throws {
        let pair = try Pair()
        try Self.commit(pair, 1...2, turn: 2, to: nil)
        try pair.standby.append([Self.alert(1), Self.alert(2), Self.alert(3)], nowMs: 0)
        let (source, follower) = try pair.started()
        defer { Pair.stop(source, follower) }
        #expect(try await Self.eventually { follower.status().refused != nil })
        #expect(follower.status().refused?.contains("ahead of the active's") == true)
    }

    @Test func aNewStandbyStartsWhereTheActivesRetentionLeftItsJournal() async throws {
        let pair = try Pair()
        try Self.commit(pair, 1...10, turn: 2, to: nil)
        // Every alert older than the retention goes: the active holds none before seq 11.
        let pruned = try AlertJournal(path: pair.active.path, retention: JournalRetention(maxAgeMs: 0, maxBytes: 1 << 30))
        #expect(try pruned.applyRetention(nowMs: Self.baseMs + 11) == 10)
        try Self.commit(pair, 11...12, turn: 4, to: nil)
        let (source, follower) = try pair.started()
        defer { Pair.stop(source, follower) }
        #expect(try await Self.eventually { pair.standby.lastSeq == 12 })
        #expect(try Self.everything(pair.standby).map(\.seq) == [11, 12])
    }

    @Test func theStandbysCopyKeepsItsOwnRetention() async throws {
        let pair = try Pair()
        let old = Self.baseMs - 2 * 3_600_000
        try pair.active.append((1...5).map { Self.alert($0, emittedMs: old) } + [Self.alert(6), Self.alert(7)], nowMs: Self.baseMs)
        let source = try pair.source()
        source.start(position: .init(seq: 7, turn: 0))
        let hour = try AlertJournal(path: pair.folder + "/standby-hour.sqlite", retention: JournalRetention(maxAgeMs: 3_600_000, maxBytes: 1 << 30))
        let follower = try ReplicationFollower(
            context: pair.context, endpoint: pair.endpoint, journal: hour, node: "b", logger: Logger(label: "test.follower"), retentionIntervalMs: 100)
        follower.start()
        defer {
            _ = follower.stop(deadline: .now() + 2)
            _ = source.stop(deadline: .now() + 2)
        }
        #expect(try await Self.eventually { follower.status().position.seq == 7 })
        #expect(try await Self.eventually { try Self.everything(hour).map(\.seq) == [6, 7] })
        #expect(try Self.everything(pair.active).count == 7)
    }

    @Test func copiedRowsMustContinueTheJournal() throws {
        let pair = try Pair()
        try pair.standby.appendCopied([Self.alert(1)], rows: [Self.patch(2, seq: 1)], nowMs: 0)
        #expect(throws: JournalError.self) { try pair.standby.appendCopied([Self.alert(3)], rows: [], nowMs: 0) }
        #expect(throws: JournalError.self) { try pair.standby.appendCopied([Self.alert(2), Self.alert(4)], rows: [], nowMs: 0) }
        // A journal that holds alerts never restarts elsewhere.
        #expect(throws: JournalError.self) { try pair.standby.appendCopied([Self.alert(5)], rows: [], restart: true, nowMs: 0) }
        // A row that knows an alert the journal does not hold.
        #expect(throws: JournalError.self) { try pair.standby.appendCopied([], rows: [Self.patch(4, seq: 9)], nowMs: 0) }
        // A resent copy changes nothing.
        #expect(try pair.standby.appendCopied([Self.alert(1)], rows: [], nowMs: 0) == false)
        #expect(pair.standby.lastSeq == 1)
    }

    @Test func hostileMessagesAreErrorsNotCrashes() throws {
        func decode(_ frames: [String]) -> ReplicationError? {
            do {
                _ = try ReplicationMessage.decode(frames.map { Array($0.utf8) })
                return nil
            } catch { return error }
        }
        #expect(decode(["rows"]) != nil)
        #expect(decode(["shout", "{}"])?.description.contains("unknown command") == true)
        #expect(decode(["rows", "{"]) != nil)
        #expect(decode(["rows", #"{"v":1,"alerts":[{"seq":1,"emitted_ms":0,"topic":"t"}],"state_rows":[],"restart":false,"more":false}"#])?.description.contains("blobs") == true)
        #expect(decode(["ack", #"{"seq":18446744073709551615,"turn":0}"#])?.description.contains("past the largest") == true)
        #expect(decode(["ack", #"{"seq":-1,"turn":0}"#]) != nil)
        #expect(decode(["follow", #"{"v":2,"node":"b","after_seq":0,"after_turn":0}"#]) != nil)
        let message = ReplicationMessage.rows(.init(alerts: [Self.alert(7)], stateRows: [Self.patch(4, whole: true, seq: 7)], restart: true, more: false))
        #expect(try ReplicationMessage.decode(message.frames()) == message)
    }
}
