/// Event time: the cameras' time, as the engine keeps it. Incidents are raised, updated and
/// resolved by it, not by the daemon's clock; when no report at all has come for
/// ``EngineSettings/idleAdvanceAfterMs`` of wall time, it advances with the wall clock.
///
/// Owns: the newest `ts` accepted from any camera (as corrected for its clock), how far each
/// camera's clock is off and its correction (``ClockOffsets``), the wall time at which a report
/// was last accepted, and the event time of the last scan for expired targets.
struct EventTime {
    /// The newest `ts` accepted from any camera, as corrected for its clock; `.min` before the first.
    private(set) var newest: Int64 = .min
    /// How far each camera's clock is off, and its correction.
    private(set) var offsets: ClockOffsets
    /// Wall time at which a report was last accepted, for idle advance.
    private(set) var lastReportWallMs: Int64 = 0
    /// Event time of the last scan for expired targets.
    private var lastExpiry: Int64?

    init(cameraCount: Int) {
        offsets = ClockOffsets(cameraCount: cameraCount)
    }

    /// Whether a frame has been accepted yet.
    var hasStarted: Bool { newest != .min }

    /// `ts` of `camera` as the engine times it: corrected by the camera's clock offset.
    @inline(__always)
    func corrected(_ ts: Int64, camera: Int) -> Int64 {
        (ts - offsets.correction[camera]).clamped(to: AlertEngine.timeRange)
    }

    /// Notes a frame of `camera` at `ts`, accepted at `wallNowMs`.
    mutating func accepted(ts: Int64, camera: Int, wallNowMs: Int64) {
        lastReportWallMs = wallNowMs
        newest = max(newest, corrected(ts, camera: camera))
    }

    /// Wall time since a report was last accepted.
    func idle(wallNowMs: Int64) -> Int64 { wallNowMs - lastReportWallMs }

    /// Whether a scan for expired targets is due at event time `clock` (at most once a second of
    /// it, or when it went back); taking it.
    mutating func expiryDue(clock: Int64) -> Bool {
        if let last = lastExpiry, clock >= last, clock - last < 1_000 { return false }
        lastExpiry = clock
        return true
    }

    /// Whether a round of clock offset samples is due.
    var offsetsDue: Bool { offsets.isDue(clock: newest) }

    /// A round of clock offset samples (``ClockOffsets/sample(clock:minMs:maxMs:newest:)``); the
    /// cameras whose correction changed, and by how much.
    mutating func sampleOffsets(minMs: Int64, maxMs: Int64, newest newestTs: (Int) -> Int64?) -> [(camera: Int, change: Int64)] {
        offsets.sample(clock: newest, minMs: minMs, maxMs: maxMs, newest: newestTs)
    }

    // MARK: State

    /// Writes the newest event time, the last report's wall time and the last scan.
    func encodeState(to w: inout StateWriter) {
        w.put(newest)
        w.put(lastReportWallMs)
        w.put(lastExpiry) { $0.put($1) }
    }

    /// Reads what ``encodeState(to:)`` wrote, moving the wall time on by `shift`.
    mutating func restoreState(from r: inout StateReader, shift: Int64) throws(StateError) {
        newest = try r.int64()
        lastReportWallMs = try r.int64() + shift
        lastExpiry = try r.optional { r throws(StateError) in try r.int64() }
    }

    /// Writes the cameras' clock corrections.
    func encodeCorrections(to w: inout StateWriter) { w.put(offsets.correction) { $0.put($1) } }

    /// Reads what ``encodeCorrections(to:)`` wrote: one per camera, none beyond `maxMs` either way.
    mutating func restoreCorrections(from r: inout StateReader, maxMs: Int64) throws(StateError) {
        // A camera whose clock is 2 s behind is still corrected after a restart, so the targets
        // restored in corrected time are re-found in it (the estimate takes a second or so to
        // come back, and a person crossing meanwhile was counted twice: test_restart_crossing).
        let corrections = try r.array { r throws(StateError) in try r.int64() }
        guard corrections.count == offsets.correction.count, corrections.allSatisfy({ abs($0) <= maxMs }) else {
            throw StateError("the state's clock corrections are not one per camera within ±\(maxMs) ms")
        }
        offsets.restore(corrections)
    }
}
