/// The open incidents, about targets and about cameras, under one numbering.
///
/// Owns: the open incidents by key (a target, a camera, a gap names its incident's key), how
/// many of each subject are open, and the next key. It decides nothing: the engine raises,
/// updates and resolves (`AlertEngine+Incidents.swift`, `AlertEngine+Health.swift`).
struct IncidentBook {
    private var open: [UInt64: Incident] = [:]
    /// Open incidents about targets; about cameras.
    private(set) var aboutTargets = 0
    private(set) var aboutCameras = 0
    private var nextKey: UInt64 = 1

    /// The open incident `key`; setting `nil` closes it.
    subscript(key: UInt64) -> Incident? {
        get { open[key] }
        set {
            if let old = open[key] { count(old, by: -1) }
            if let newValue { count(newValue, by: 1) }
            open[key] = newValue
        }
    }

    private mutating func count(_ incident: Incident, by step: Int) {
        if incident.isAboutTargets { aboutTargets += step } else { aboutCameras += step }
    }

    /// A key no incident has had.
    mutating func newKey() -> UInt64 {
        defer { nextKey += 1 }
        return nextKey
    }

    /// Closes incident `key` and returns it.
    mutating func close(_ key: UInt64) -> Incident? {
        guard let incident = open.removeValue(forKey: key) else { return nil }
        count(incident, by: -1)
        return incident
    }

    /// The keys of every open incident, in no particular order.
    var keys: Dictionary<UInt64, Incident>.Keys { open.keys }

    /// The keys of the open incidents about cameras, in order.
    var cameraKeys: [UInt64] { open.filter { !$0.value.isAboutTargets }.keys.sorted() }

    /// The key of the open incident about targets with id `id`.
    func key(ofTargetIncident id: String) -> UInt64? {
        open.first { $0.value.isAboutTargets && $0.value.id == id }?.key
    }

    // MARK: State

    /// Writes the next key (the state's head).
    func encodeKey(to w: inout StateWriter) { w.put(nextKey) }

    /// Reads what ``encodeKey(to:)`` wrote.
    mutating func restoreKey(from r: inout StateReader) throws(StateError) { nextKey = try r.uint64() }

    /// Writes the incidents about targets, then those about cameras, each by key.
    func encodeIncidents(to w: inout StateWriter) {
        for aboutTargets in [true, false] {
            w.put(open.filter { $0.value.isAboutTargets == aboutTargets }.sorted { $0.key < $1.key }) { w, entry in
                w.put(entry.key)
                entry.value.encode(to: &w)
            }
        }
    }

    /// Reads what ``encodeIncidents(to:)`` wrote, replacing the open incidents.
    mutating func restoreIncidents(from r: inout StateReader, engine: AlertEngine) throws(StateError) {
        let nextKey = self.nextKey
        self = IncidentBook()
        self.nextKey = nextKey
        for aboutTargets in [true, false] {
            let entries = try r.array { r throws(StateError) in
                (key: try r.uint64(), incident: try Incident(from: &r, aboutTargets: aboutTargets, engine: engine))
            }
            for entry in entries { self[entry.key] = entry.incident }
        }
    }
}
