/// The engine's state across a restart: what it knows of targets, incidents and cameras, written
/// with every journal commit and read back when the daemon starts, so an incident open at a
/// crash goes on under its id (no second `raised`) and ends with one `resolved`.
///
/// Kept: the targets (position, class votes, tracks, border sides, zone streaks, motion,
/// incident), the open incidents, the cameras' health and its incidents, the counters that
/// number targets and incidents, and the clocks. Not kept: the frame sequencer (after a restart
/// each camera's next frame starts its run, as after a reboot) and the counters of `stats`.
/// The grid and the track index are rebuilt from the targets.
///
/// Each part writes and reads its own pieces, in the journal's order (a daemon upgraded must
/// resume the state the old one wrote): the configuration's fingerprint; the next serial
/// (``Tracker``) and the next incident key (``IncidentBook``); event time, the last report and
/// the last expiry (``EventTime``); the cameras' health (``CameraHealth``); the targets
/// (``Tracker``); the incidents about targets, then about cameras (``IncidentBook``); the open
/// gaps (``CameraHealth``); the clock corrections (``EventTime``).
///
/// Wall times move on by the time the daemon was down: its downtime is not the cameras'
/// silence, so a camera is judged offline only after `offline_after_s` without reports since
/// the restart. Event time is the cameras': incidents whose targets went away meanwhile resolve
/// once the feeds (or, if every feed is silent, the wall clock) show them unseen long enough.
///
/// The state refers to cameras, zones, rules and kinds by their position in the configuration;
/// ``stateFingerprint`` hashes those lists, and a state taken under another configuration is
/// refused rather than misread.
extension AlertEngine {
    /// A hash of what the state's indices refer to: camera ids and sectors, zone ids, kinds and
    /// the border lines, rule names and kinds, in order.
    public var stateFingerprint: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        for camera in cameras.cameras { mix("camera \(camera.id) \(camera.sector)") }
        for zone in zones.zones { mix("zone \(zone.id) \(zone.kind)") }
        for border in zones.borderIndices { mix("border \(border)") }
        for rule in rules { mix("rule \(rule.name) \(rule.kind ?? "-")") }
        for kind in ruleBook.kinds.names { mix("kind \(kind)") }
        return hash
    }

    /// Which targets a state holds.
    public enum StateTargets: Sendable {
        /// Every target: a whole state.
        case all
        /// Only the targets that belong to an incident: what a restart needs to go on from the
        /// alerts journaled with it without a second `raised` (the incidents, their targets,
        /// the clocks, the cameras' health), a small fraction of a whole state. Completed on
        /// resuming by the free targets of the last whole state
        /// (``restoreState(from:takenWallMs:wallNowMs:freeTargetsFrom:takenWallMs:)``).
        case bound
    }

    /// Writes the engine's state (see the type's notes), with every target or only those that
    /// belong to an incident.
    public func encodeState(to w: inout StateWriter, targets: StateTargets = .all) {
        encodeStateCounters(to: &w)
        encodeStateHeadFront(to: &w)
        tracker.encodeTargets(to: &w, boundOnly: targets == .bound)
        incidents.encodeIncidents(to: &w)
        encodeStateHeadBack(to: &w)
    }

    /// The state's first part: the configuration's fingerprint, the next target serial, the
    /// next incident key.
    func encodeStateCounters(to w: inout StateWriter) {
        w.put(stateFingerprint)
        tracker.encodeSerial(to: &w)
        incidents.encodeKey(to: &w)
    }

    /// What goes between the counters and the targets: event time, the cameras' health.
    func encodeStateHeadFront(to w: inout StateWriter) {
        eventTime.encodeState(to: &w)
        health.encodeState(to: &w)
    }

    /// What goes after the incidents: the open gaps, the clock corrections, the downtime each
    /// camera's silence was forgiven, the event time each was last heard at (the last two in
    /// the order they were added: a state written before one was kept ends before it).
    func encodeStateHeadBack(to w: inout StateWriter) {
        health.encodeGaps(to: &w)
        eventTime.encodeCorrections(to: &w)
        health.encodeForgiven(to: &w)
        health.encodeHeardTs(health.indices.map { sequencer.newestTs(camera: $0) ?? health.restoredHeardTs[$0] }, to: &w)
    }

    /// Takes the state written by ``encodeState(to:)`` at wall time `takenWallMs`, moving wall
    /// times on to `wallNowMs`. Throws, leaving the engine as it was, if the state was taken
    /// under another configuration or cannot be read.
    /// With `resumeFromWallMs` (a state assembled from records of different ages, the targets'
    /// newest at that time), targets may be re-found within the time since then rather than
    /// since `takenWallMs`, the age of the head whose wall times are moved on.
    public mutating func restoreState(from r: inout StateReader, takenWallMs: Int64, wallNowMs: Int64, resumeFromWallMs: Int64? = nil) throws(StateError) {
        try restoreState(from: &r, takenWallMs: takenWallMs, wallNowMs: wallNowMs, expecting: stateFingerprint, resumeFromWallMs: resumeFromWallMs)
    }

    /// ``restoreState(from:takenWallMs:wallNowMs:)`` of a state whose fingerprint must be
    /// `expected` (another configuration's, found compatible with this one by ``reloadRefusal(into:)``).
    mutating func restoreState(
        from r: inout StateReader, takenWallMs: Int64, wallNowMs: Int64, expecting expected: UInt64, resumeFromWallMs: Int64? = nil
    ) throws(StateError) {
        let fingerprint = try r.uint64()
        guard fingerprint == expected else {
            throw StateError("the state was taken under another configuration (cameras, zones or rules were added, removed, renamed or reordered)")
        }
        var restored = self
        let shift = max(0, wallNowMs - takenWallMs)
        try restored.tracker.restoreSerial(from: &r)
        try restored.incidents.restoreKey(from: &r)
        try restored.eventTime.restoreState(from: &r, shift: shift)
        try restored.health.restoreState(from: &r, shift: shift)
        try restored.tracker.restoreTargets(from: &r, cameras: cameras, zones: zones)
        try restored.incidents.restoreIncidents(from: &r, engine: self)
        try restored.health.restoreGaps(from: &r)
        try restored.eventTime.restoreCorrections(from: &r, maxMs: settings.maxFutureSkewMs)
        try restored.health.restoreForgiven(from: &r)
        try restored.health.restoreHeardTs(from: &r)
        guard r.isAtEnd else { throw StateError("the engine's state has bytes after its end") }
        for target in restored.tracker.targets.values {
            if let key = target.incident, restored.incidents[key]?.isAboutTargets != true {
                throw StateError("target \(target.serial) belongs to incident \(key), which the state does not hold")
            }
        }
        // Every target may be re-found under a new track (`resumedTarget(for:ts:)`) within the
        // downtime, the state's age (a snapshot interval or so) and the fusion time.
        let resumeShift = resumeFromWallMs.map { max(0, wallNowMs - $0) } ?? shift
        restored.tracker.resumeAll(gapMs: resumeShift + settings.fusionTimeMs + Self.resumeSlackMs)
        for camera in restored.health.indices {
            if let key = restored.health[camera].incident, restored.incidents[key]?.isAboutTargets != false {
                throw StateError("a camera's offline incident \(key) is not among the health incidents")
            }
        }
        for key in restored.health.gapKeys where restored.incidents[key]?.isAboutTargets != false {
            throw StateError("gap \(key) is not among the health incidents")
        }
        self = restored
    }

    /// Takes a state of ``StateTargets/bound`` targets (`r`, taken at `takenWallMs`), adding the
    /// targets of the older whole state `whole` (taken at `wholeTakenWallMs`) that belong to no
    /// incident there: everything but those free targets is the newer state's. A free target
    /// whose track a newer target holds is left out. Every target may be re-found under a new
    /// track within the whole state's age. Throws, leaving the engine as it was, if either
    /// state cannot be read or was taken under another configuration.
    public mutating func restoreState(
        from r: inout StateReader, takenWallMs: Int64, wallNowMs: Int64, freeTargetsFrom whole: inout StateReader, takenWallMs wholeTakenWallMs: Int64
    ) throws(StateError) {
        var earlier = self
        try earlier.restoreState(from: &whole, takenWallMs: wholeTakenWallMs, wallNowMs: wallNowMs)
        var restored = self
        try restored.restoreState(from: &r, takenWallMs: takenWallMs, wallNowMs: wallNowMs)
        restored.tracker.addFreeTargets(of: earlier.tracker, cameras: cameras)
        let shift = max(0, wallNowMs - min(takenWallMs, wholeTakenWallMs))
        restored.tracker.resumeAll(gapMs: shift + settings.fusionTimeMs + Self.resumeSlackMs)
        self = restored
    }

    /// Why the state of this engine cannot be carried into `newer`, an engine made from a
    /// configuration read again while the daemon runs; nil when it can.
    ///
    /// The state refers to cameras, zones, border lines, rules and alert kinds by their place in
    /// the configuration's lists. It can be carried over when those places still mean the same:
    /// the same cameras and border lines in the same order, and the zones, rules and kinds of
    /// before still first, in the same order, with new ones after them. Everything else may
    /// change: zone shapes, camera positions and views, rule conditions, thresholds, schedules.
    public func reloadRefusal(into newer: AlertEngine) -> String? {
        func starts<T: Equatable>(_ list: [T], _ prefix: [T]) -> Bool { list.count >= prefix.count && Array(list.prefix(prefix.count)) == prefix }
        if cameras.cameras.map({ "\($0.id) \($0.sector)" }) != newer.cameras.cameras.map({ "\($0.id) \($0.sector)" }) {
            return "cameras were added, removed, renamed, reordered or moved to another sector: restart vigild to apply that"
        }
        if zones.borderIndices != newer.zones.borderIndices {
            return "border lines were added, removed or moved in zones.geojson: restart vigild to apply that"
        }
        if !starts(newer.zones.zones.map { "\($0.id) \($0.kind)" }, zones.zones.map { "\($0.id) \($0.kind)" }) {
            return "zones were removed, renamed, reordered or given another kind (new zones go at the end of zones.geojson): restart vigild to apply that"
        }
        if !starts(newer.rules.map { "\($0.name) \($0.kind ?? "-")" }, rules.map { "\($0.name) \($0.kind ?? "-")" }) {
            return "rules were removed, renamed, reordered or given another kind (new rules go at the end of rules.yaml): restart vigild to apply that"
        }
        if !starts(newer.ruleBook.kinds.names, ruleBook.kinds.names) {
            return "the alert kinds the rules raise changed order (new kinds go in rules at the end of rules.yaml): restart vigild to apply that"
        }
        return nil
    }

    /// Takes the running state of `older` (the engine of the configuration before a reload) into
    /// this engine, made from the configuration read again: targets, incidents, clocks and camera
    /// health carry on, so no open incident is lost or raised again. Throws, leaving this engine
    /// as it was, with ``reloadRefusal(into:)``'s reason when the state cannot be carried over.
    public mutating func adoptState(of older: AlertEngine, wallNowMs: Int64) throws(StateError) {
        if let refusal = older.reloadRefusal(into: self) { throw StateError(refusal) }
        var w = StateWriter(capacity: 1_024 + older.stats.targetsActive * 400)
        older.encodeState(to: &w)
        var r = StateReader(w.bytes)
        try restoreState(from: &r, takenWallMs: wallNowMs, wallNowMs: wallNowMs, expecting: older.stateFingerprint)
    }

    /// How much older than the restart's state a resumed target's last detection may be: the
    /// alert state is written with every alert (a whole state every snapshot interval), and frames in flight
    /// when the daemon stopped were lost.
    static let resumeSlackMs: Int64 = 10_000

    /// Throws unless `index` is below `count`.
    static func check(_ index: Int, below count: Int, _ what: String) throws(StateError) -> Int {
        guard index >= 0 && index < count else { throw StateError("\(what) \(index) is out of range (the configuration has \(count))") }
        return index
    }
}
