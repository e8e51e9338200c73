import VigilJournal
import VigilWire

/// `/api/history`: past incidents from the journal, by the time their messages were published,
/// kind, zone and camera; each with all its messages in that window, so the console can play it
/// back on the map.
///
/// Bounded whatever the journal holds: it starts at the window's first alert (a binary search
/// over `seq`), reads at most ``maxScanned`` alerts, and returns at most ``maxIncidents``
/// incidents, newest first; `truncated` says when either bound cut it short.
struct HistorySearch {
    var fromMs: Int64
    var toMs: Int64
    /// Empty: any.
    var kind: String
    var zone: String
    var camera: String

    static let maxScanned = 200_000
    static let maxIncidents = 500

    func run(journal path: String) throws -> String {
        let reader = try JournalReader(path: path)
        var after = try reader.seq(before: fromMs)
        var scanned = 0
        var truncated = false
        var order: [String] = []
        var found: [String: [(message: AlertMessage, payload: [UInt8])]] = [:]
        reading: while true {
            let page = try reader.page(after: after, limit: 5_000)
            for record in page.records {
                scanned += 1
                guard record.emittedMs <= toMs else { break reading }
                guard record.emittedMs >= fromMs, let message = try? AlertMessage.decode(record.payload), matches(message) else { continue }
                if found[message.id] == nil {
                    guard order.count < Self.maxIncidents else {
                        truncated = true
                        break reading
                    }
                    order.append(message.id)
                }
                found[message.id, default: []].append((message, record.payload))
            }
            guard page.more, page.lastSeq > after else { break }
            guard scanned < Self.maxScanned else {
                truncated = true
                break
            }
            after = page.lastSeq
        }
        let incidents = order.reversed().compactMap { id -> String? in
            guard let messages = found[id], let first = messages.first?.message, let last = messages.last?.message else { return nil }
            let cameras = Array(Set(messages.flatMap(\.message.cameras))).sorted().map(jsonString).joined(separator: ",")
            return #"{"id":"# + jsonString(id) + #","kind":"# + jsonString(last.kind) + #","severity":""# + last.severity.rawValue
                + #"","zone":"# + jsonString(last.zone) + #","cameras":["# + cameras + #"],"first_ts":"# + String(first.firstTs)
                + #","last_ts":"# + String(last.lastTs) + #","state":""# + last.state.rawValue + #"","messages":["#
                + messages.map { String(decoding: $0.payload, as: UTF8.self) }.joined(separator: ",") + "]}"
        }
        return #"{"incidents":["# + incidents.joined(separator: ",") + #"],"truncated":"# + (truncated ? "true" : "false") + "}"
    }

    private func matches(_ message: AlertMessage) -> Bool {
        (kind.isEmpty || message.kind == kind) && (zone.isEmpty || message.zone == zone) && (camera.isEmpty || message.cameras.contains(camera))
    }
}
