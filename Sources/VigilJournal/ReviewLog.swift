/// One operator's action on an incident, as journaled: the incident, when, and the review
/// message exactly as published (`review.<incident>`).
public struct ReviewRecord: Sendable, Equatable {
    /// The incident's id.
    public var incident: String
    /// Wall time of the action, epoch ms.
    public var ts: Int64
    /// The review message (JSON).
    public var payload: [UInt8]

    /// A record.
    public init(incident: String, ts: Int64, payload: [UInt8]) {
        self.incident = incident
        self.ts = ts
        self.payload = payload
    }
}

/// The operators' actions on incidents (acknowledge, assign, note, close), in the journal's
/// `reviews` table, on a connection of its own: actions are rare and made by people, so they
/// wait for the alert writer's transaction (the busy timeout) rather than share its thread.
/// Not thread-safe: one owner.
public final class ReviewLog {
    private let db: SQLiteConnection
    private let insert: SQLiteStatement
    private let byIncident: SQLiteStatement

    /// Opens the journal at `path`, which the daemon's ``AlertJournal`` has created.
    public init(path: String) throws(JournalError) {
        db = try SQLiteConnection(path: path)
        insert = try db.prepare("INSERT INTO reviews (incident, ts, payload) VALUES (?, ?, ?)")
        byIncident = try db.prepare("SELECT incident, ts, payload FROM reviews WHERE incident = ? ORDER BY id")
    }

    /// Journals `record` (committed when this returns).
    public func append(_ record: ReviewRecord) throws(JournalError) {
        insert.bind(1, record.incident)
        insert.bind(2, record.ts)
        insert.bind(3, record.payload)
        try insert.run("journal a review of \(record.incident)")
    }

    /// Every action on `incident`, oldest first.
    public func reviews(of incident: String) throws(JournalError) -> [ReviewRecord] {
        byIncident.bind(1, incident)
        defer { byIncident.reset() }
        var found: [ReviewRecord] = []
        while try byIncident.step("read the reviews of \(incident)") {
            found.append(ReviewRecord(incident: byIncident.text(0), ts: byIncident.int64(1), payload: byIncident.blob(2)))
        }
        return found
    }
}
