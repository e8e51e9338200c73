import Foundation
import VigilJournal

/// The messages of journal replication (docs/failover.md, section 6.2) between the active node
/// (a ROUTER, ``ReplicationSource``) and each standby (a DEALER, ``ReplicationFollower``).
///
/// On the wire a message is multipart: the command (`follow`, `rows`, `ack`, `beat`, `refused`),
/// a JSON header, then the raw blobs the header announces (alert payloads, state log rows). The
/// header is JSON so that a message can be read with any ZeroMQ tool; the blobs are raw because
/// they are the journal's own bytes, stored by the standby exactly as the active stored them.
///
/// Every number a peer sends is checked: a header that does not decode, a blob count that does
/// not match, or a `seq` past `Int64.max` is a ``ReplicationError``, never a crash.
public enum ReplicationMessage: Sendable, Equatable {
    /// Standby → active: send me what follows my journal. `newest` is the standby's newest alert
    /// (nil when it holds none), which the active compares with its own at that `seq`.
    case follow(Follow)
    /// Active → standby: journal transactions, as the active stored them.
    case rows(Rows)
    /// Standby → active: my journal holds everything up to `seq` and the state log's `turn`.
    case ack(Position)
    /// Active → standby, every ``ReplicationSource/beatIntervalMs`` when idle: where the active's
    /// journal stands. A standby behind it with nothing in flight asks again.
    case beat(Position)
    /// Active → standby: this standby cannot follow (its journal differs from the active's).
    case refused(String)

    /// A place in a journal: its newest `seq` and the state log's newest `turn`.
    public struct Position: Sendable, Equatable, Codable {
        public var seq: UInt64
        public var turn: Int64
        /// Creates a position.
        public init(seq: UInt64, turn: Int64) {
            self.seq = seq
            self.turn = turn
        }
    }

    /// What a standby asks with.
    public struct Follow: Sendable, Equatable {
        /// The standby's name (for logs and status).
        public var node: String
        /// Where the standby's journal stands.
        public var after: Position
        /// The standby's newest alert, if it holds one.
        public var newest: JournalRecord?
        /// Creates a request.
        public init(node: String, after: Position, newest: JournalRecord?) {
            self.node = node
            self.after = after
            self.newest = newest
        }
    }

    /// One message of journal rows: alerts and state log rows to store in one transaction.
    public struct Rows: Sendable, Equatable {
        public var alerts: [JournalRecord]
        public var stateRows: [StateLogRow]
        /// The first message to a standby whose journal holds no alert, when the active's oldest
        /// held `seq` is past the standby's next: start the copy there.
        public var restart: Bool
        /// More backlog follows this message: the standby asks again once it has stored it.
        public var more: Bool
        /// Creates a message.
        public init(alerts: [JournalRecord], stateRows: [StateLogRow], restart: Bool = false, more: Bool = false) {
            self.alerts = alerts
            self.stateRows = stateRows
            self.restart = restart
            self.more = more
        }
    }

    /// The message's frames.
    public func frames() -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        func json(_ value: some Encodable) -> [UInt8] { Array((try? encoder.encode(value)) ?? Data("{}".utf8)) }
        switch self {
        case .follow(let follow):
            let header = FollowHeader(
                v: 1, node: follow.node, afterSeq: follow.after.seq, afterTurn: follow.after.turn,
                newest: follow.newest.map { AlertHeader(seq: $0.seq, emittedMs: $0.emittedMs, topic: $0.topic) })
            return [Array("follow".utf8), json(header)] + (follow.newest.map { [$0.payload] } ?? [])
        case .rows(let rows):
            let header = RowsHeader(
                v: 1, alerts: rows.alerts.map { AlertHeader(seq: $0.seq, emittedMs: $0.emittedMs, topic: $0.topic) },
                stateRows: rows.stateRows.map { RowHeader(turn: $0.turn, whole: $0.whole, seq: $0.seq, takenMs: $0.takenMs) },
                restart: rows.restart, more: rows.more)
            return [Array("rows".utf8), json(header)] + rows.alerts.map(\.payload) + rows.stateRows.map(\.bytes)
        case .ack(let position):
            return [Array("ack".utf8), json(position)]
        case .beat(let position):
            return [Array("beat".utf8), json(position)]
        case .refused(let reason):
            return [Array("refused".utf8), json(["v": "1", "error": reason])]
        }
    }

    /// Reads a message from its frames; throws naming what is wrong.
    public static func decode(_ frames: [[UInt8]]) throws(ReplicationError) -> ReplicationMessage {
        guard frames.count >= 2 else { throw ReplicationError("a message has a command and a header; got \(frames.count) frame(s)") }
        let command = String(decoding: frames[0], as: UTF8.self)
        let blobs = frames.dropFirst(2)
        func header<Header: Decodable>(_ type: Header.Type) throws(ReplicationError) -> Header {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            do { return try decoder.decode(Header.self, from: Data(frames[1])) } catch {
                throw ReplicationError("\(command): the header does not decode: \(error)")
            }
        }
        switch command {
        case "follow":
            let follow = try header(FollowHeader.self)
            guard follow.v == 1 else { throw ReplicationError("follow: version \(follow.v) is not 1") }
            try checked(follow.afterSeq, "follow: after_seq")
            var newest: JournalRecord?
            if let alert = follow.newest {
                guard let payload = blobs.first, blobs.count == 1 else { throw ReplicationError("follow: newest needs its payload, one blob; got \(blobs.count)") }
                try checked(alert.seq, "follow: newest.seq")
                newest = JournalRecord(seq: alert.seq, emittedMs: alert.emittedMs, topic: alert.topic, payload: payload)
            } else if !blobs.isEmpty {
                throw ReplicationError("follow: \(blobs.count) blob(s) without newest")
            }
            return .follow(Follow(node: follow.node, after: Position(seq: follow.afterSeq, turn: follow.afterTurn), newest: newest))
        case "rows":
            let rows = try header(RowsHeader.self)
            guard rows.v == 1 else { throw ReplicationError("rows: version \(rows.v) is not 1") }
            guard blobs.count == rows.alerts.count + rows.stateRows.count else {
                throw ReplicationError("rows: \(rows.alerts.count) alert(s) and \(rows.stateRows.count) state row(s) need as many blobs; got \(blobs.count)")
            }
            var payloads = blobs.makeIterator()
            var alerts: [JournalRecord] = []
            for alert in rows.alerts {
                try checked(alert.seq, "rows: an alert's seq")
                alerts.append(JournalRecord(seq: alert.seq, emittedMs: alert.emittedMs, topic: alert.topic, payload: payloads.next() ?? []))
            }
            var stateRows: [StateLogRow] = []
            for row in rows.stateRows {
                try checked(row.seq, "rows: a state row's seq")
                stateRows.append(StateLogRow(turn: row.turn, whole: row.whole, seq: row.seq, takenMs: row.takenMs, bytes: payloads.next() ?? []))
            }
            return .rows(Rows(alerts: alerts, stateRows: stateRows, restart: rows.restart, more: rows.more))
        case "ack", "beat":
            let position = try header(Position.self)
            try checked(position.seq, "\(command): seq")
            return command == "ack" ? .ack(position) : .beat(position)
        case "refused":
            let refusal = try header([String: String].self)
            return .refused(refusal["error"] ?? "(no reason given)")
        default:
            throw ReplicationError("unknown command \"\(command.prefix(40))\"")
        }
    }

    /// A `seq` SQLite can hold (an integer column: at most `Int64.max`).
    private static func checked(_ seq: UInt64, _ what: String) throws(ReplicationError) {
        guard seq <= UInt64(Int64.max) else { throw ReplicationError("\(what) \(seq) is past the largest a journal holds") }
    }

    // Headers' keys are the properties' names in snake case (`emitted_ms`, `after_seq`,
    // `state_rows`): the encoder and decoder convert them.
    private struct AlertHeader: Codable {
        var seq: UInt64
        var emittedMs: Int64
        var topic: String
    }

    private struct RowHeader: Codable {
        var turn: Int64
        var whole: Bool
        var seq: UInt64
        var takenMs: Int64
    }

    private struct FollowHeader: Codable {
        var v: Int
        var node: String
        var afterSeq: UInt64
        var afterTurn: Int64
        var newest: AlertHeader?
    }

    private struct RowsHeader: Codable {
        var v: Int
        var alerts: [AlertHeader]
        var stateRows: [RowHeader]
        var restart: Bool
        var more: Bool
    }
}

/// A replication message that cannot be read, or a copy that cannot continue.
public struct ReplicationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
