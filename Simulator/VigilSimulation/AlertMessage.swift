import Foundation
import VigilCore

/// The fields of one alert message (contract section 2) that scoring needs, read leniently: a
/// field that is missing or of another type is `nil`.
public struct AlertMessage: Sendable, Equatable {
    /// Position in the daemon's alert stream.
    public var seq: Int?
    /// The incident.
    public var id: String
    /// `raised`, `updated` or `resolved`.
    public var state: String?
    /// `border_crossing`, `intrusion`, ...
    public var kind: String?
    /// `critical`, `high`, `medium`, `low`.
    public var severity: String?
    /// The targets' class (`person`, `vehicle`, ...).
    public var objectClass: String?
    /// The number of distinct targets the incident has involved so far.
    public var count: Int?
    /// `SY->IQ` for crossings.
    public var direction: String?
    /// Where the incident stands now.
    public var position: GeoPoint?
    /// Event time of the incident's first detection, Unix ms.
    public var firstTs: Int64?
    /// Event time of its latest detection, Unix ms.
    public var lastTs: Int64?
    /// Wall-clock time at which the daemon published this message, Unix ms.
    public var emittedTs: Int64?

    /// Creates a message (for tests and hand-made sequences).
    public init(
        seq: Int? = nil, id: String, state: String? = "raised", kind: String?, severity: String? = nil, objectClass: String?,
        count: Int? = nil, direction: String? = nil, position: GeoPoint?, firstTs: Int64?, lastTs: Int64?, emittedTs: Int64?
    ) {
        self.seq = seq
        self.id = id
        self.state = state
        self.kind = kind
        self.severity = severity
        self.objectClass = objectClass
        self.count = count
        self.direction = direction
        self.position = position
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.emittedTs = emittedTs
    }

    /// Parses an alert payload (one JSON object); `nil` when it is not JSON or has no string `id`.
    public static func parse(_ payload: [UInt8]) -> AlertMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
            let id = object["id"] as? String
        else { return nil }
        func integer(_ key: String) -> Int64? {
            // A JSON boolean is an NSNumber too; on Linux `is Bool` also holds for 0 and 1, so
            // booleans are told apart by their type encoding ("c") instead.
            guard let number = object[key] as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
            return number.int64Value
        }
        func double(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
        let position: GeoPoint? =
            if let lat = double("lat"), let lon = double("lon") { GeoPoint(lat: lat, lon: lon) } else { nil }
        return AlertMessage(
            seq: integer("seq").map { Int($0) }, id: id, state: object["state"] as? String, kind: object["kind"] as? String,
            severity: object["severity"] as? String, objectClass: object["class"] as? String, count: integer("count").map { Int($0) },
            direction: object["direction"] as? String, position: position, firstTs: integer("first_ts"), lastTs: integer("last_ts"),
            emittedTs: integer("emitted_ts"))
    }
}

/// Every message about one incident (one alert `id`), in order of arrival.
public struct AlertIncident: Sendable, Equatable {
    /// The incident's id.
    public var id: String
    /// Its messages, in order of arrival.
    public var messages: [AlertMessage]

    /// Creates an incident.
    public init(id: String, messages: [AlertMessage]) {
        self.id = id
        self.messages = messages
    }

    /// Groups `messages` by `id`, incidents in order of their first message.
    public static func group(_ messages: [AlertMessage]) -> [AlertIncident] {
        var order: [String] = []
        var byID: [String: [AlertMessage]] = [:]
        for message in messages {
            if byID[message.id] == nil { order.append(message.id) }
            byID[message.id, default: []].append(message)
        }
        return order.map { AlertIncident(id: $0, messages: byID[$0] ?? []) }
    }

    /// Whether any message gives the incident `kind`.
    public func hasKind(_ kind: String) -> Bool { messages.contains { $0.kind == kind } }

    /// The first message that gives the incident `kind`.
    public func firstMessage(ofKind kind: String) -> AlertMessage? { messages.first { $0.kind == kind } }

    /// The kinds the incident had, in order of first appearance.
    public var kinds: [String] {
        var seen: [String] = []
        for kind in messages.compactMap(\.kind) where !seen.contains(kind) { seen.append(kind) }
        return seen
    }

    /// The largest `count` over its messages; `nil` when no message carries one.
    public var largestCount: Int? { messages.compactMap(\.count).max() }

    /// The event-time window of the incident: the earliest `first_ts` to the latest `last_ts`
    /// over its messages; `nil` when no message carries either.
    public var window: ClosedRange<Int64>? {
        let starts = messages.compactMap { $0.firstTs ?? $0.lastTs }
        let ends = messages.compactMap { $0.lastTs ?? $0.firstTs }
        guard let start = starts.min(), let end = ends.max() else { return nil }
        return min(start, end)...max(start, end)
    }
}
