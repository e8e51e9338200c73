/// Whether each camera is alive, as the engine hears it (`AlertEngine+Health.swift` turns it
/// into `camera_offline` and `coverage_gap` incidents).
///
/// Owns: per camera, when it was last heard (any report, wall time) and when its last report was
/// accepted, whether it is offline now, its open `camera_offline` incident, whether its latest
/// report was marked `exercise` (simulated, or a drill), how much of the daemon's downtime its
/// silence has been forgiven, and the event time of its last frame before a restart; the wall
/// time of the engine's first call (a camera never heard from counts from it); the time of the
/// last look for cameras gone silent; the keys of the open gap incidents, in order.
///
/// Two clocks of silence: a restart moves the cameras' heard times on by the daemon's downtime,
/// so that the downtime does not count towards the offline timeout (``silentSince(camera:)``);
/// when a camera's silence *began*, which decides which cameras fell silent together, is the
/// real wall time of its last report (``silenceBegan(camera:)``), the same after any number of
/// restarts.
struct CameraHealth {
    /// One camera's health.
    struct Status {
        var heardWallMs: Int64?
        var offline = false
        var incident: UInt64?
        var exercise = false
    }

    private var statuses: [Status]
    /// Per camera, the wall time at which its last report was accepted (0: none yet).
    private(set) var acceptedWallMs: [Int64]
    /// The wall time of the engine's first call.
    private(set) var startWallMs: Int64?
    /// The wall time of the last look for cameras gone silent.
    private var lastCheckMs: Int64 = .min / 2
    /// The keys of the open gap incidents, in order.
    private(set) var gapKeys: [UInt64] = []
    /// Per camera, how much downtime its heard time (or the start, for a camera never heard) was
    /// moved on by since it was last heard: the real time of its last report is that much earlier.
    private(set) var forgivenMs: [Int64]
    /// Per camera, the event time of the last frame heard from it before the restart this state
    /// was resumed from (the frame sequencer, which knows it as the daemon runs, is not kept):
    /// a camera silent across a restart goes offline with the time of its real last frame.
    private(set) var restoredHeardTs: [Int64?]

    init(cameraCount: Int) {
        statuses = Array(repeating: Status(), count: cameraCount)
        acceptedWallMs = Array(repeating: 0, count: cameraCount)
        forgivenMs = Array(repeating: 0, count: cameraCount)
        restoredHeardTs = Array(repeating: nil, count: cameraCount)
    }

    /// Camera `camera`'s health.
    subscript(camera: Int) -> Status { statuses[camera] }

    /// Per camera, whether it is offline now: one array to read in a loop over every camera,
    /// rather than a subscript call each (which copies this value in debug builds).
    var offline: [Bool] { statuses.map { $0.offline } }

    /// The cameras, by index.
    var indices: Range<Int> { statuses.indices }

    /// Cameras offline now.
    var offlineNow: Int { statuses.lazy.filter(\.offline).count }

    /// Notes the engine's first call.
    mutating func start(wallNowMs: Int64) {
        if startWallMs == nil { startWallMs = wallNowMs }
    }

    /// Notes a report from `camera`, accepted or not, and whether it is an exercise.
    mutating func reported(camera: Int, exercise: Bool) {
        statuses[camera].exercise = exercise
    }

    /// Notes that `camera`'s report was accepted at `wallNowMs`.
    mutating func accepted(camera: Int, wallNowMs: Int64) {
        acceptedWallMs[camera] = wallNowMs
    }

    /// Notes that `camera` was heard at `wallNowMs`. Returns whether it was offline, and its
    /// offline incident's key, which it no longer holds.
    mutating func heard(camera: Int, wallNowMs: Int64) -> (wasOffline: Bool, incident: UInt64?) {
        statuses[camera].heardWallMs = wallNowMs
        forgivenMs[camera] = 0
        guard statuses[camera].offline else { return (false, nil) }
        statuses[camera].offline = false
        defer { statuses[camera].incident = nil }
        return (true, statuses[camera].incident)
    }

    /// Whether a look for silent cameras is due at `wallNowMs` (every quarter of a second, or
    /// when the clock went back); taking it.
    mutating func checkDue(wallNowMs: Int64) -> Bool {
        guard wallNowMs - lastCheckMs >= 250 || wallNowMs < lastCheckMs else { return false }
        lastCheckMs = wallNowMs
        return true
    }

    /// Since when (wall time) live camera `camera` has been silent, for the offline timeout: its
    /// last report, or the engine's start, moved on by the daemon's downtime since.
    func silentSince(camera: Int) -> Int64 {
        statuses[camera].heardWallMs ?? startWallMs!
    }

    /// When camera `camera`'s silence began, in real wall time: its last report (or the
    /// engine's start), downtime included.
    func silenceBegan(camera: Int) -> Int64 {
        let heard = statuses[camera].heardWallMs ?? startWallMs ?? 0
        return heard.subtractingReportingOverflow(forgivenMs[camera]).overflow ? .min : heard - forgivenMs[camera]
    }

    /// Marks `camera` offline.
    mutating func goneOffline(camera: Int) {
        statuses[camera].offline = true
    }

    /// Notes `camera`'s open offline incident.
    mutating func setIncident(_ key: UInt64?, camera: Int) {
        statuses[camera].incident = key
    }

    /// When the silence of `cameras` began (real wall time, ``silenceBegan(camera:)``): the
    /// earliest of those still offline; `nil` when all are back.
    func silenceBegan(of cameras: [Int32]) -> Int64? {
        var earliest: Int64?
        for camera in cameras where statuses[Int(camera)].offline {
            let since = silenceBegan(camera: Int(camera))
            earliest = min(earliest ?? since, since)
        }
        return earliest
    }

    /// Notes the open gap incidents.
    mutating func setGapKeys(_ keys: [UInt64]) {
        gapKeys = keys
    }

    // MARK: State

    /// Writes the start, the last look, and each camera's times and health.
    func encodeState(to w: inout StateWriter) {
        w.put(startWallMs) { $0.put($1) }
        w.put(lastCheckMs)
        w.put(acceptedWallMs) { $0.put($1) }
        w.put(statuses) { w, h in
            w.put(h.heardWallMs) { $0.put($1) }
            w.put(h.offline)
            w.put(h.incident) { $0.put($1) }
            w.put(h.exercise)
        }
    }

    /// Reads what ``encodeState(to:)`` wrote, moving wall times on by `shift`.
    mutating func restoreState(from r: inout StateReader, shift: Int64) throws(StateError) {
        let count = statuses.count
        startWallMs = try r.optional { r throws(StateError) in try r.int64() + shift }
        lastCheckMs = try r.int64()
        let accepted = try r.array { r throws(StateError) in try r.int64() }
        guard accepted.count == count else { throw StateError("the state has \(accepted.count) cameras, the configuration \(count)") }
        acceptedWallMs = accepted.map { $0 == 0 ? 0 : $0 + shift }
        let statuses = try r.array { r throws(StateError) in
            var h = Status()
            h.heardWallMs = try r.optional { r throws(StateError) in try r.int64() + shift }
            h.offline = try r.bool()
            h.incident = try r.optional { r throws(StateError) in try r.uint64() }
            h.exercise = try r.bool()
            return h
        }
        guard statuses.count == count else { throw StateError("the state has the health of \(statuses.count) cameras, the configuration \(count)") }
        self.statuses = statuses
        forgivenMs = Array(repeating: shift, count: count)
        restoredHeardTs = Array(repeating: nil, count: count)
    }

    /// Writes the open gaps' keys.
    func encodeGaps(to w: inout StateWriter) { w.put(gapKeys) { $0.put($1) } }

    /// Reads what ``encodeGaps(to:)`` wrote.
    mutating func restoreGaps(from r: inout StateReader) throws(StateError) {
        gapKeys = try r.array { r throws(StateError) in try r.uint64() }
    }

    /// Writes the downtime each camera's silence has been forgiven.
    func encodeForgiven(to w: inout StateWriter) { w.put(forgivenMs) { $0.put($1) } }

    /// Writes `heardTs`, per camera the event time it was last heard at (`nil`: never).
    func encodeHeardTs(_ heardTs: [Int64?], to w: inout StateWriter) { w.put(heardTs) { w, ts in w.put(ts) { $0.put($1) } } }

    /// Reads what ``encodeHeardTs(_:to:)`` wrote; a state written before it was kept has none.
    mutating func restoreHeardTs(from r: inout StateReader) throws(StateError) {
        guard !r.isAtEnd else { return }
        let stored = try r.array { r throws(StateError) in try r.optional { r throws(StateError) in try r.int64() } }
        guard stored.count == restoredHeardTs.count, stored.allSatisfy({ $0.map(AlertEngine.timeRange.contains) ?? true }) else {
            throw StateError("the state's last heard times are not one per camera, each within 0...2^53 ms")
        }
        restoredHeardTs = stored
    }

    /// Reads what ``encodeForgiven(to:)`` wrote, adding it to the shift ``restoreState(from:shift:)``
    /// applied. A state written before it was kept has none (each camera's real silence is then
    /// taken to have begun at its heard time as restored).
    mutating func restoreForgiven(from r: inout StateReader) throws(StateError) {
        guard !r.isAtEnd else { return }
        let stored = try r.array { r throws(StateError) in try r.int64() }
        guard stored.count == forgivenMs.count, stored.allSatisfy({ $0 >= 0 }) else {
            throw StateError("the state's forgiven downtimes are not one per camera, none negative")
        }
        for camera in forgivenMs.indices {
            let (sum, overflow) = forgivenMs[camera].addingReportingOverflow(stored[camera])
            forgivenMs[camera] = overflow ? .max : sum
        }
    }
}
