import VigilWire

/// Turns a stream of alert messages into CAP 1.2 messages, one for one, remembering each open
/// incident's messages so that its later messages reference them.
///
/// Message types:
/// - `raised` → `Alert`.
/// - `updated` → `Update`, whose `<references>` name the incident's earlier messages (its first,
///   and the latest, up to `CAPOptions.maxReferences`).
/// - `resolved` → `Update` with responseType `AllClear` and urgency `Past`, referencing the
///   earlier messages the same way; the incident is then forgotten, so what is remembered is
///   bounded by the incidents open at once (and by `CAPOptions.maxOpenIncidents`). Not
///   `Cancel`: CAP 1.2 keeps Cancel for withdrawing messages (sent in error, say), and the
///   incident was real; it is over, which is what an all-clear update says.
/// - An `updated` or `resolved` message for an incident not seen before (the writer started
///   after the incident was raised, or a severity filter hid its first messages) → `Alert`
///   without references, with a `<note>` saying so. An `Update` must name what it updates (a
///   receiver could not apply one that references nothing, and CAP profiles reject it); an
///   `Alert` can be acted on alone, and `<incidents>` (the alert id, on every message) still
///   lets a receiver that saw the earlier messages collate them.
///
/// Not thread-safe (a value type with mutating methods): use one per stream.
public struct CAPWriter: Sendable {
    /// The options every message is written with.
    public let options: CAPOptions

    /// What is remembered of an open incident.
    private struct Incident: Sendable {
        /// Its first message this writer wrote.
        var first: CAPAlert.Reference
        /// Its latest messages after the first, oldest first, at most `maxReferences - 1`.
        var later: [CAPAlert.Reference]
        /// When it was last heard of (a count of messages), to forget the stalest when full.
        var lastUse: UInt64

        var references: [CAPAlert.Reference] { [first] + later }
    }

    private var incidents: [String: Incident] = [:]
    private var messagesWritten: UInt64 = 0

    /// A writer with these options (check them first with `CAPOptions.problem`).
    public init(options: CAPOptions) {
        self.options = options
    }

    /// How many open incidents are remembered.
    public var openIncidents: Int { incidents.count }

    /// The CAP message for the next alert message of the stream.
    public mutating func message(for alert: AlertMessage) -> CAPAlert {
        messagesWritten += 1
        let earlier: Incident? = alert.state == .raised ? nil : incidents[alert.id]
        let status = CAPMapping.status(of: alert, options: options)
        var notes = [CAPMapping.statusNote(of: alert, status: status)].compactMap { $0 }
        if alert.state != .raised && earlier == nil {
            notes.append(
                "First message of incident \(alert.id) this sender has seen (state \(alert.state.rawValue)): "
                    + "its earlier messages were not seen, so this one is an Alert that references none.")
        }
        let message = CAPAlert(
            identifier: "\(options.identifierPrefix)-\(alert.id)-\(alert.seq)",
            sender: options.sender,
            sent: CAPDateTime(millisecondsSince1970: alert.emittedTs),
            status: status,
            msgType: earlier == nil ? .alert : .update,
            scope: .restricted,
            restriction: options.restriction,
            note: notes.isEmpty ? nil : notes.joined(separator: " "),
            references: earlier?.references ?? [],
            incidents: [alert.id],
            info: [CAPMapping.info(for: alert, options: options)])
        remember(message, of: alert, after: earlier)
        return message
    }

    /// The CAP message for the next alert message, as one line of XML (no line break at the end).
    public mutating func line(for alert: AlertMessage) -> String {
        message(for: alert).xmlDocument
    }

    private mutating func remember(_ message: CAPAlert, of alert: AlertMessage, after earlier: Incident?) {
        if alert.state == .resolved {
            incidents[alert.id] = nil
            return
        }
        guard var incident = earlier else {
            if incidents[alert.id] == nil && incidents.count >= options.maxOpenIncidents { forgetStalest() }
            incidents[alert.id] = Incident(first: message.reference, later: [], lastUse: messagesWritten)
            return
        }
        incident.later.append(message.reference)
        if incident.later.count > options.maxReferences - 1 {
            incident.later.removeFirst(incident.later.count - (options.maxReferences - 1))
        }
        incident.lastUse = messagesWritten
        incidents[alert.id] = incident
    }

    /// Forgets the incident unheard of longest (one whose resolution was never seen).
    private mutating func forgetStalest() {
        if let stalest = incidents.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            incidents[stalest] = nil
        }
    }
}
