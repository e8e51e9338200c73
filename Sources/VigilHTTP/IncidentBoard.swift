import Dispatch
import Foundation
import Synchronization
import VigilJournal
import VigilWire

/// The open incidents as the console shows them: for each, its latest alert message as
/// published, the track of its positions, and what operators did about it; and the consoles
/// that follow it live (each a stream of JSON messages for its WebSocket).
///
/// Fed by the journal's writer right after it publishes (``published(_:)``: one hand-off to this
/// board's queue, so the writer never waits for it), and at start from the journal's latest
/// alerts, so a restart of vigild or a console that joins late sees what is open.
public final class IncidentBoard: Sendable {
    /// What operators did about one incident.
    struct Review {
        var acknowledgedBy: String?
        var acknowledgedTs: Int64?
        var assignedTo: String?
        var closedBy: String?
        var closedTs: Int64?
        var notes: [(by: String, ts: Int64, text: String)] = []
    }

    /// One open incident.
    struct Entry {
        var message: AlertMessage
        var payload: [UInt8]
        var track: [(lat: Double, lon: Double, ts: Int64)] = []
        var review = Review()
    }

    private struct State {
        var open: [String: Entry] = [:]
        var latestSeq: UInt64 = 0
        var followers: [Int: AsyncStream<String>.Continuation] = [:]
        var nextFollower = 0
    }

    /// The most positions kept of one incident's track.
    static let trackLimit = 1_000
    /// Messages a console may fall behind by before the oldest are dropped (it resyncs from
    /// `/api/incidents` when it reconnects).
    static let followerBuffer = 10_000

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "vigil.http.board")

    /// An empty board.
    public init() {}

    /// Loads the open incidents from the journal at `path` (its latest `scan` alerts) and the
    /// reviews of those, on the board's queue: before any alert published since, which follow it there.
    public func load(journal path: String, scan: UInt64 = 50_000) {
        queue.async { [self] in
            do {
                let reader = try JournalReader(path: path)
                var after = try reader.page(after: UInt64.max >> 1, limit: 1).latestSeq
                after = after > scan ? after - scan : 0
                while true {
                    let page = try reader.page(after: after, limit: 5_000)
                    for record in page.records { apply(record, broadcast: false) }
                    guard page.more, page.lastSeq > after else { break }
                    after = page.lastSeq
                }
                let reviews = try ReviewLog(path: path)
                let ids = state.withLock { Array($0.open.keys) }
                for id in ids {
                    for record in try reviews.reviews(of: id) {
                        if let review = ReviewMessage(json: record.payload) { applyReview(review, broadcast: false) }
                    }
                }
            } catch {
                // A console without history is still a console: the live stream goes on.
            }
        }
    }

    /// Takes alert messages just published (from the journal's writer thread).
    public func published(_ records: [JournalRecord]) {
        queue.async { [self] in
            for record in records { apply(record, broadcast: true) }
        }
    }

    /// Applies an operator's action and tells every console.
    func reviewed(_ review: ReviewMessage) {
        queue.async { [self] in applyReview(review, broadcast: true) }
    }

    /// Whether `id` is an open incident now.
    func isOpen(_ id: String) -> Bool { state.withLock { $0.open[id] != nil } }

    /// `/api/incidents`: `{"latest_seq": N, "incidents": [...]}`, each the latest message with
    /// its `track` and `review`, oldest first.
    func incidentsJSON() -> String {
        state.withLock { state in
            let entries = state.open.values.sorted { ($0.message.firstTs, $0.message.id) < ($1.message.firstTs, $1.message.id) }
            return #"{"latest_seq":"# + String(state.latestSeq) + #","incidents":["# + entries.map(Self.json).joined(separator: ",") + "]}"
        }
    }

    /// A live stream of the board's messages for one console, and a way to end it.
    func follow() -> (AsyncStream<String>, end: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(Self.followerBuffer))
        let id = state.withLock { state in
            defer { state.nextFollower += 1 }
            state.followers[state.nextFollower] = continuation
            return state.nextFollower
        }
        return (stream, { [weak self] in
            _ = self?.state.withLock { $0.followers.removeValue(forKey: id) }
            continuation.finish()
        })
    }

    private func apply(_ record: JournalRecord, broadcast: Bool) {
        guard let message = try? AlertMessage.decode(record.payload) else { return }
        let text = String(decoding: record.payload, as: UTF8.self)
        state.withLock { state in
            state.latestSeq = max(state.latestSeq, record.seq)
            if message.state == .resolved {
                state.open[message.id] = nil
            } else {
                var entry = state.open[message.id] ?? Entry(message: message, payload: record.payload)
                entry.message = message
                entry.payload = record.payload
                if entry.track.last.map({ $0.lat != message.lat || $0.lon != message.lon }) ?? true {
                    entry.track.append((message.lat, message.lon, message.lastTs))
                    if entry.track.count > Self.trackLimit { entry.track.removeFirst(entry.track.count - Self.trackLimit) }
                }
                state.open[message.id] = entry
            }
            if broadcast { send(#"{"type":"alert","alert":"# + text + "}", to: state) }
        }
    }

    private func applyReview(_ review: ReviewMessage, broadcast: Bool) {
        state.withLock { state in
            if var entry = state.open[review.id] {
                switch review.action {
                case .acknowledge:
                    entry.review.acknowledgedBy = review.by
                    entry.review.acknowledgedTs = review.ts
                    if let comment = review.text, !comment.isEmpty { entry.review.notes.append((review.by, review.ts, comment)) }
                case .assign:
                    entry.review.assignedTo = review.text
                case .note:
                    entry.review.notes.append((review.by, review.ts, review.text ?? ""))
                case .close:
                    entry.review.closedBy = review.by
                    entry.review.closedTs = review.ts
                    if let comment = review.text, !comment.isEmpty { entry.review.notes.append((review.by, review.ts, comment)) }
                }
                state.open[review.id] = entry
            }
            if broadcast { send(#"{"type":"review","review":"# + review.json + "}", to: state) }
        }
    }

    private func send(_ text: String, to state: State) {
        for follower in state.followers.values { follower.yield(text) }
    }

    private static func json(_ entry: Entry) -> String {
        var text = String(decoding: entry.payload, as: UTF8.self)
        guard text.hasSuffix("}") else { return text }
        text.removeLast()
        let track = entry.track.map { "[\($0.lat),\($0.lon),\($0.ts)]" }.joined(separator: ",")
        let r = entry.review
        func string(_ value: String?) -> String { value.map(jsonString) ?? "null" }
        func number(_ value: Int64?) -> String { value.map(String.init) ?? "null" }
        let notes = r.notes.map { #"{"by":"# + jsonString($0.by) + #","ts":"# + String($0.ts) + #","text":"# + jsonString($0.text) + "}" }
        return text + #","track":["# + track + #"],"review":{"acknowledged_by":"# + string(r.acknowledgedBy) + #","acknowledged_ts":"#
            + number(r.acknowledgedTs) + #","assigned_to":"# + string(r.assignedTo) + #","closed_by":"# + string(r.closedBy)
            + #","closed_ts":"# + number(r.closedTs) + #","notes":["# + notes.joined(separator: ",") + "]}}"
    }
}

/// An operator's action on an incident, as published (`review.<incident id>`) and journaled:
/// `{"v":1,"type":"review","id","action","by","ts", and "comment", "to" or "text"}`.
struct ReviewMessage: Sendable, Equatable {
    enum Action: String, Sendable, CaseIterable {
        case acknowledge, assign, note, close
    }

    var id: String
    var action: Action
    var by: String
    var ts: Int64
    /// The comment (acknowledge, close), the assignee (assign) or the note (note).
    var text: String?

    /// The key `text` goes under for each action.
    var textKey: String {
        switch action {
        case .acknowledge, .close: "comment"
        case .assign: "to"
        case .note: "text"
        }
    }

    var topic: String { "review.\(id)" }

    var json: String {
        #"{"v":1,"type":"review","id":"# + jsonString(id) + #","action":""# + action.rawValue + #"","by":"# + jsonString(by) + #","ts":"#
            + String(ts) + (text.map { #",""# + textKey + #"":"# + jsonString($0) } ?? "") + "}"
    }

    init(id: String, action: Action, by: String, ts: Int64, text: String?) {
        self.id = id
        self.action = action
        self.by = by
        self.ts = ts
        self.text = text
    }

    /// Reads a journaled review; nil if it is not one.
    init?(json: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any], let id = object["id"] as? String,
            let action = (object["action"] as? String).flatMap(Action.init(rawValue:)), let by = object["by"] as? String,
            let ts = (object["ts"] as? NSNumber)?.int64Value
        else { return nil }
        self.init(id: id, action: action, by: by, ts: ts, text: nil)
        text = object[textKey] as? String
    }
}
