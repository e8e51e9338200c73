import VigilCore

/// Every message about one incident (one alert `id`), in order of arrival.
public struct AlertIncident: Sendable, Equatable {
    /// The incident's id.
    public var id: String
    /// Its messages, in order of arrival.
    public var messages: [PartialAlertMessage]

    /// Creates an incident.
    public init(id: String, messages: [PartialAlertMessage]) {
        self.id = id
        self.messages = messages
    }

    /// Groups `messages` by `id`, incidents in order of their first message.
    public static func group(_ messages: [PartialAlertMessage]) -> [AlertIncident] {
        var order: [String] = []
        var byID: [String: [PartialAlertMessage]] = [:]
        for message in messages {
            if byID[message.id] == nil { order.append(message.id) }
            byID[message.id, default: []].append(message)
        }
        return order.map { AlertIncident(id: $0, messages: byID[$0] ?? []) }
    }

    /// Whether any message gives the incident `kind`.
    public func hasKind(_ kind: String) -> Bool { messages.contains { $0.kind == kind } }

    /// The first message that gives the incident `kind`.
    public func firstMessage(ofKind kind: String) -> PartialAlertMessage? { messages.first { $0.kind == kind } }

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
