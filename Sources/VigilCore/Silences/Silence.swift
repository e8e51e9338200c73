/// An operator's silence: alerts whose incident matches every matcher given are not published
/// until it expires or is removed. Incidents are still tracked while silenced.
public struct Silence: Sendable, Equatable {
    /// The silence's id (`si-` and hex digits), for `vigil silence remove`.
    public var id: String
    /// A camera id: matches incidents this camera has seen (or concerns, for camera events).
    public var camera: String?
    /// A zone id: matches incidents in this zone.
    public var zone: String?
    /// A kind: matches incidents of this kind.
    public var kind: String?
    /// A severity: matches incidents of this severity.
    public var severity: Severity?
    /// When it was added, epoch ms.
    public var createdMs: Int64
    /// When it ends, epoch ms.
    public var expiresMs: Int64
    /// Who added it and why, free text.
    public var comment: String
    /// The operator who added it (the name of the key the control endpoint let in), when known.
    public var createdBy: String?

    /// Creates a silence. At least one matcher should be given (the daemon refuses a silence
    /// without any: it would silence everything).
    public init(
        id: String, camera: String? = nil, zone: String? = nil, kind: String? = nil, severity: Severity? = nil, createdMs: Int64,
        expiresMs: Int64, comment: String = "", createdBy: String? = nil
    ) {
        self.createdBy = createdBy
        self.id = id
        self.camera = camera
        self.zone = zone
        self.kind = kind
        self.severity = severity
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.comment = comment
    }

    /// Whether it has at least one matcher.
    public var hasMatchers: Bool { camera != nil || zone != nil || kind != nil || severity != nil }

    /// Whether the silence covers `event` (as the incident stands in it) at `nowMs`.
    public func matches(_ event: AlertMessage, nowMs: Int64) -> Bool {
        guard nowMs < expiresMs, hasMatchers else { return false }
        if let camera, !event.cameras.contains(camera) { return false }
        if let zone, event.zone != zone { return false }
        if let kind, event.kind != kind { return false }
        if let severity, event.severity != severity { return false }
        return true
    }
}

/// Decides which alert messages consumers see, given the silences: between the engine and the
/// publisher, on the processing queue.
///
/// - A message of an incident a silence matches (as it stands in that message) is held back.
/// - An incident raised under a silence is still followed here; the first message of it that no
///   silence matches any more (its severity rose past the silence, say) is published as `raised`,
///   and so is its latest state when the silence ends (expires or is removed) while it is open.
///   An incident raised and resolved under a silence is never seen.
/// - Once consumers have seen an incident they always see its `resolved`: no incident is left
///   open for them ("stuck on"). Its updates are held back while a silence matches it.
public struct AlertGate: Sendable {
    /// The silences in force, in order of creation.
    public private(set) var silences: [Silence] = []
    /// Open incidents by id: their latest message and whether consumers have seen them.
    private var open: [String: (latest: AlertMessage, visible: Bool)] = [:]
    /// Messages held back, for the counters.
    public private(set) var held: UInt64 = 0

    /// An empty gate.
    public init(silences: [Silence] = []) {
        self.silences = silences
    }

    /// The messages of `events` that consumers should see now, in order.
    public mutating func pass(_ events: [AlertMessage], nowMs: Int64) -> [AlertMessage] {
        if silences.isEmpty && open.isEmpty { return events }
        var out: [AlertMessage] = []
        out.reserveCapacity(events.count)
        for event in events {
            switch event.state {
            case .resolved:
                // An incident not followed here was published when it was raised.
                let visible = open.removeValue(forKey: event.id)?.visible ?? true
                if visible { out.append(event) } else { held += 1 }
            case .raised, .updated:
                let visible = open[event.id]?.visible ?? (event.state == .updated)
                if isSilenced(event, nowMs: nowMs) {
                    // Only incidents a silence holds back are followed here.
                    open[event.id] = (event, visible)
                    held += 1
                } else {
                    open[event.id] = nil
                    var shown = event
                    if !visible { shown.state = .raised }
                    out.append(shown)
                }
            }
        }
        return out
    }

    /// Adds `silence`. Returns nothing to publish: a new silence only holds messages back.
    public mutating func add(_ silence: Silence) {
        silences.append(silence)
    }

    /// Removes the silence `id`; returns whether there was one, and the incidents it was holding
    /// back that are now visible (as `raised` with their latest state).
    public mutating func remove(id: String, nowMs: Int64) -> (removed: Bool, events: [AlertMessage]) {
        let before = silences.count
        silences.removeAll { $0.id == id }
        guard silences.count < before else { return (false, []) }
        return (true, release(nowMs: nowMs))
    }

    /// Drops the silences that have expired by `nowMs`; returns whether any did, and the
    /// incidents now visible.
    public mutating func expire(nowMs: Int64) -> (expired: Bool, events: [AlertMessage]) {
        let before = silences.count
        silences.removeAll { $0.expiresMs <= nowMs }
        guard silences.count < before else { return (false, []) }
        return (true, release(nowMs: nowMs))
    }

    private func isSilenced(_ event: AlertMessage, nowMs: Int64) -> Bool {
        silences.contains { $0.matches(event, nowMs: nowMs) }
    }

    /// Open incidents held back that no silence matches any more, in a stable order (first
    /// event time, then id), published as `raised`; visible incidents stop being followed once
    /// no silence matches them.
    private mutating func release(nowMs: Int64) -> [AlertMessage] {
        var released: [AlertMessage] = []
        for (id, entry) in open where !isSilenced(entry.latest, nowMs: nowMs) {
            if !entry.visible {
                var event = entry.latest
                event.state = .raised
                released.append(event)
            }
            open[id] = nil
        }
        // Released incidents are visible now; a later silence follows them afresh.
        return released.sorted { ($0.firstTs, $0.id) < ($1.firstTs, $1.id) }
    }
}

// MARK: State (here, where the private fields are)

extension AlertGate {
    /// Writes the incidents the silences hold back or follow (the silences themselves are kept
    /// in their own file, where `vigil silence` changes them at once).
    public func encodeState(to w: inout StateWriter) {
        w.put(open.sorted { $0.key < $1.key }) { w, entry in
            entry.value.latest.encode(to: &w)
            w.put(entry.value.visible)
        }
    }

    /// Takes the followed incidents written by ``encodeState(to:)``, keeping the silences.
    public mutating func restoreState(from r: inout StateReader) throws(StateError) {
        let entries = try r.array { r throws(StateError) in (try AlertMessage(from: &r), try r.bool()) }
        open = [:]
        for (event, visible) in entries { open[event.id] = (event, visible) }
    }

    /// Forgets the incidents it follows (their engine state is gone).
    public mutating func forgetIncidents() {
        open = [:]
    }
}

extension AlertMessage {
    /// Writes the event for a state snapshot.
    public func encode(to w: inout StateWriter) {
        w.put(id)
        w.put(state.rawValue)
        w.put(kind)
        w.put(severity.rawValue)
        w.put(objectClass.rawValue)
        w.put(count)
        w.put(sector)
        w.put(zone)
        w.put(lat)
        w.put(lon)
        w.put(direction) { $0.put($1) }
        w.put(cameras) { $0.put($1) }
        w.put(firstTs)
        w.put(lastTs)
        w.put(rule) { $0.put($1) }
        // In the state's format for a coverage stretch, whose first field is the border's zone
        // index: it is not read back (the alert's zone names the border), so 0 stands for it.
        w.put(stretch) { w, stretch in
            CoverageStretch(border: 0, fromKm: stretch.fromKm, toKm: stretch.toKm, from: stretch.from, to: stretch.to).encode(to: &w)
        }
        w.put(exercise)
    }

    /// Reads an event written by ``encode(to:)``.
    public init(from r: inout StateReader) throws(StateError) {
        let id = try r.string()
        guard let state = State(rawValue: try r.string()) else { throw StateError("alert \(id) has no known state") }
        let kind = try r.string()
        guard let severity = Severity(rawValue: try r.string()) else { throw StateError("alert \(id) has no known severity") }
        guard let objectClass = ObjectClass(rawValue: try r.string()) else { throw StateError("alert \(id) has no known class") }
        self.init(
            id: id, state: state, kind: kind, severity: severity, objectClass: objectClass, count: try r.int(), sector: try r.string(),
            zone: try r.string(), lat: try r.double(), lon: try r.double(), direction: try r.optional { r throws(StateError) in try r.string() },
            cameras: try r.array { r throws(StateError) in try r.string() }, firstTs: try r.int64(), lastTs: try r.int64(),
            rule: try r.optional { r throws(StateError) in try r.string() },
            stretch: try r.optional { r throws(StateError) in try CoverageStretch(from: &r) }, exercise: try r.bool())
    }
}
