/// The heart of Vigil: from accepted frame reports to alert messages.
///
/// A façade over parts that each own their state, in the order the data goes through them:
/// the ``FrameSequencer`` drops duplicates and late frames and puts each camera's frames in
/// order; ``EventTime`` keeps the cameras' time (their clock offsets, the newest `ts`, when a
/// report last came); the ``Tracker`` turns detections into targets (a camera track joins an existing target
/// of a compatible class within the fusion gates, so overlapping cameras and re-acquired tracks
/// make one target); ``ZoneTransitions`` turns each target's move into crossings (with
/// hysteresis) and zone streaks; the ``RuleBook`` evaluates the rules; the ``IncidentBook`` holds
/// the incidents the engine raises, updates and resolves by event time, one per target or group
/// of targets moving together (`AlertEngine+Incidents.swift`) or about cameras;
/// ``CameraHealth`` knows which cameras are alive (`AlertEngine+Health.swift`). The engine owns
/// one of each and sequences them; of its own it holds only the frames the sequencer released
/// and the counters.
///
/// Not thread-safe: one engine is owned by one serial queue (the pipeline's processing queue).
/// It does no I/O and reads no clock: the caller passes the wall time where it matters.
public struct AlertEngine: Sendable {
    /// The registered cameras.
    public let cameras: CameraRegistry
    /// The zones.
    public let zones: ZoneSet
    /// The rules, in order.
    public var rules: [Rule] { ruleBook.rules }
    /// Gates and timings.
    public let settings: EngineSettings
    /// The site's time zone, for rule schedules.
    public let siteTime: SiteTime
    /// What the cameras cover of the border, for coverage gaps.
    public let coverage: BorderCoverage
    /// Counters; the gauges (targets, tracks, open incidents, camera restarts) are derived here
    /// rather than kept up to date on the per-message path.
    public var stats: EngineStats {
        var stats = counters
        stats.targetsCreated = tracker.targetsCreated
        stats.tracksFused = tracker.tracksFused
        stats.targetsActive = tracker.targets.count
        stats.tracksActive = tracker.trackTargets.count
        stats.incidentsOpen = incidents.aboutTargets
        stats.cameraRestarts = sequencer.restarts
        stats.framesReordered = sequencer.reordered
        stats.framesMissing = sequencer.missing
        stats.framesHeld = sequencer.heldCount
        stats.healthIncidentsOpen = incidents.aboutCameras
        stats.camerasOfflineNow = health.offlineNow
        return stats
    }
    var counters = EngineStats()

    // The parts, in the data's order.
    var sequencer: FrameSequencer
    var eventTime: EventTime
    var tracker: Tracker
    let transitions: ZoneTransitions
    var ruleBook: RuleBook
    var incidents = IncidentBook()
    var health: CameraHealth

    /// Frames the sequencer released, waiting to be handled (reused).
    private var released: [FrameSequencer.Released] = []

    /// How far each camera's clock is off, and its correction.
    var clockOffsets: ClockOffsets { eventTime.offsets }

    /// Whether alerts about what `cameras` saw are exercises: the daemon runs as one, or one of
    /// the cameras' latest reports was marked `exercise`.
    func isExercise(_ cameras: [Int32]) -> Bool {
        settings.exercise || cameras.contains { health[Int($0)].exercise }
    }

    /// Camera track (camera index << 32 | track id) → target serial.
    var trackTargets: [UInt64: UInt64] { tracker.trackTargets }

    @inline(__always)
    static func trackKey(_ camera: Int, _ track: UInt32) -> UInt64 { Tracker.trackKey(camera, track) }

    /// Creates an engine.
    public init(
        cameras: CameraRegistry, zones: ZoneSet, rules: [Rule], settings: EngineSettings = EngineSettings(), siteTime: SiteTime = .utc
    ) {
        self.cameras = cameras
        self.zones = zones
        self.settings = settings
        self.siteTime = siteTime
        let transitions = ZoneTransitions(zones: zones, crossingConfirmM: settings.crossingConfirmM, zoneInertiaFrames: settings.zoneInertiaFrames)
        self.transitions = transitions
        ruleBook = RuleBook(rules, cameras: cameras, transitions: transitions, settings: settings, siteTime: siteTime)
        coverage = BorderCoverage(cameras: cameras.cameras, zones: zones.zones)
        health = CameraHealth(cameraCount: cameras.count)
        tracker = Tracker(settings: settings, cameras: cameras, borderCount: zones.borderIndices.count)
        sequencer = FrameSequencer(
            cameraCount: cameras.count, window: settings.dedupWindow, maxLatenessMs: settings.maxLatenessMs, maxFrameRate: settings.maxFrameRate)
        released.reserveCapacity(16)
        eventTime = EventTime(cameraCount: cameras.count)
    }

    /// What happened to a frame report.
    public enum Admission: Sendable, Equatable {
        /// Processed.
        case accepted
        /// Already seen; dropped and counted.
        case duplicate
        /// Refused for the reason given.
        case rejected(FrameReportError)
    }

    /// The times the engine works in: Unix epoch milliseconds from 0 to 2^53, the range the
    /// contract's parser accepts for `ts`. Every time the engine holds lies in it (a wall clock
    /// given from outside, a recorded one in a replay, is clamped into it; a `ts` outside the
    /// window around the wall clock is refused), so sums and differences of a few of them can
    /// never overflow, whatever a peer sends.
    public static let timeRange: ClosedRange<Int64> = 0...(1 << 53)

    /// Processes one validated frame report from registered camera `camera` (an index into
    /// ``cameras``), appending the alert messages it causes to `alerts`.
    ///
    /// A `ts` more than ``EngineSettings/maxFutureSkewMs`` ahead of `wallNowMs` is `future_ts`,
    /// one more than ``EngineSettings/maxBacklogMs`` behind it is `bad_value`; the engine's other
    /// refusals come from the ``FrameSequencer`` (`too_late`, `seq_jump`).
    public mutating func process(
        _ report: FrameReport, camera: Int, wallNowMs: Int64, into alerts: inout [AlertMessage]
    ) -> Admission {
        let wallNowMs = wallNowMs.clamped(to: Self.timeRange)
        health.start(wallNowMs: wallNowMs)
        health.reported(camera: camera, exercise: report.exercise)
        // A camera that sends is alive, even when what it sends is refused; but only an accepted
        // frame's `ts` is event time.
        var acceptedTs: Int64?
        defer { heard(camera: camera, wallNowMs: wallNowMs, ts: acceptedTs ?? lastHeardTs(of: camera), into: &alerts) }
        if let refusal = refusal(ofTs: report.ts, wallNowMs: wallNowMs) { return .rejected(refusal) }
        switch sequencer.admit(report, camera: camera, wallNowMs: wallNowMs, releasing: &released) {
        case .duplicate:
            counters.framesDuplicate += 1
            return .duplicate
        case .tooLate(let behind):
            return .rejected(FrameReportError(.tooLate, "ts \(report.ts) is \(behind) ms behind camera \(report.camera)'s newest frame (allowed: \(settings.maxLatenessMs) ms)"))
        case .missedTurn(let releasedSeq):
            return .rejected(FrameReportError(.tooLate, "seq \(report.seq) of camera \(report.camera) arrived after its turn: frames up to seq \(releasedSeq) were already processed"))
        case .seqJump(let expected, let allowed):
            return .rejected(
                FrameReportError(
                    .seqJump,
                    "seq \(report.seq) of camera \(report.camera) is \(report.seq - expected) frames ahead of the expected \(expected); at most \(allowed) fit in the time since its last frame"
                ))
        case .released, .held:
            break
        }
        counters.framesAccepted += 1
        acceptedTs = report.ts
        eventTime.accepted(ts: report.ts, camera: camera, wallNowMs: wallNowMs)
        health.accepted(camera: camera, wallNowMs: wallNowMs)
        processReleased(into: &alerts)
        return .accepted
    }

    /// Why a frame at `ts` is refused by the wall clock, if it is: too far ahead (`future_ts`),
    /// or further behind than any backlog (`bad_value`).
    private func refusal(ofTs ts: Int64, wallNowMs: Int64) -> FrameReportError? {
        guard Self.timeRange.contains(ts) else {
            return FrameReportError(.badValue, "ts \(ts) is not an epoch time from 0 to \(Self.timeRange.upperBound) ms")
        }
        if ts > wallNowMs + settings.maxFutureSkewMs {
            return FrameReportError(
                .futureTimestamp, "ts \(ts) is \(ts - wallNowMs) ms ahead of the daemon's clock (allowed: \(settings.maxFutureSkewMs) ms)")
        }
        if ts < wallNowMs - settings.maxBacklogMs {
            return FrameReportError(
                .badValue,
                "ts \(ts) is \((wallNowMs - ts) / 86_400_000) days behind the daemon's clock; no backlog is older than \(settings.maxBacklogMs / 3_600_000) h (time.max_backlog_h)"
            )
        }
        return nil
    }

    /// Processes the frames the sequencer released, in their order.
    private mutating func processReleased(into alerts: inout [AlertMessage]) {
        guard !released.isEmpty else { return }
        for frame in released { handle(frame.report, camera: frame.camera, into: &alerts) }
        released.removeAll(keepingCapacity: true)
    }

    /// `ts` of `camera` as the engine times it: corrected by the camera's clock offset.
    @inline(__always)
    func correctedTs(_ ts: Int64, camera: Int) -> Int64 { eventTime.corrected(ts, camera: camera) }

    /// One frame, in its camera's order: detections become targets, positions become events.
    private mutating func handle(_ report: FrameReport, camera: Int, into alerts: inout [AlertMessage]) {
        let ts = correctedTs(report.ts, camera: camera)
        counters.detectionsUnknownClass += UInt64(report.unknownClassCount)
        // Detections of known tracks first: a new track is then compared with targets already
        // updated from this frame, so two objects side by side are never fused into one.
        var newTracks: [Detection] = []
        for detection in report.detections {
            guard tracker.knows(camera: camera, track: detection.track) else {
                newTracks.append(detection)
                continue
            }
            counters.detections += 1
            if !zones.maskIndices.isEmpty && zones.isMasked(detection.position) {
                counters.detectionsMasked += 1
                continue
            }
            let serial = tracker.target(for: detection, camera: camera, ts: ts)
            update(serial, with: detection, camera: camera, ts: ts, into: &alerts)
        }
        guard !newTracks.isEmpty else { return }
        counters.detections += UInt64(newTracks.count)
        if !zones.maskIndices.isEmpty {
            newTracks.removeAll { detection in
                guard zones.isMasked(detection.position) else { return false }
                counters.detectionsMasked += 1
                return true
            }
        }
        let choices = newTracks.count > 1 ? tracker.fusionChoices(newTracks, camera: camera, ts: ts) : nil
        for (i, detection) in newTracks.enumerated() {
            let serial = tracker.target(for: detection, camera: camera, ts: ts, choice: choices.map { $0[i] })
            update(serial, with: detection, camera: camera, ts: ts, into: &alerts)
        }
    }

    /// Resolves the incidents whose targets have been unseen for `resolveAfterMs` and forgets
    /// stale tracks and targets. Call it after each batch and on a timer: when no report has
    /// arrived for `idleAdvanceAfterMs` of wall time, event time advances with the wall clock.
    public mutating func expire(wallNowMs: Int64, into alerts: inout [AlertMessage]) {
        let wallNowMs = wallNowMs.clamped(to: Self.timeRange)
        checkHealth(wallNowMs: wallNowMs, into: &alerts)
        guard eventTime.hasStarted else { return }
        sequencer.releaseOverdue(wallNowMs: wallNowMs, releasing: &released)
        processReleased(into: &alerts)
        if settings.clockCorrectionMinMs > 0 { correctClocks(wallNowMs: wallNowMs) }
        let idle = eventTime.idle(wallNowMs: wallNowMs)
        let clock = idle > settings.idleAdvanceAfterMs ? eventTime.newest + idle : eventTime.newest
        tracker.dropResumed(before: clock)
        // Scanning every target is linear; doing it at most once a second of event time keeps it
        // off the per-message cost.
        guard eventTime.expiryDue(clock: clock) else { return }
        // Each target is judged by the event time of the cameras that see it, so a camera running
        // behind the others (drift, a backlog after an outage) does not have its targets resolved
        // early. A camera silent for `idleAdvanceAfterMs` no longer holds its targets back: they
        // follow the newest event time of all. When every feed is silent, the wall clock moves
        // them all on.
        let idleAdvance = idle > settings.idleAdvanceAfterMs ? idle : 0
        // Per camera: the event time its targets are judged by (its newest frame while it
        // reports, the newest of all once it has been silent for `idleAdvanceAfterMs`), and the
        // event time before which its tracks are forgotten. Read from the parts directly: calling
        // a method of the engine from here copied the whole engine value per camera in debug
        // builds (a replay of a 2-day gap took over 60 s instead of 2).
        var reference: [Int64] = [], horizon: [Int64] = []
        reference.reserveCapacity(cameras.cameras.count)
        horizon.reserveCapacity(cameras.cameras.count)
        for camera in cameras.cameras.indices {
            let newest = sequencer.newestTs(camera: camera).map { eventTime.corrected($0, camera: camera) }
            let reporting = wallNowMs - health.acceptedWallMs[camera] <= settings.idleAdvanceAfterMs
            reference.append(reporting ? newest ?? eventTime.newest : eventTime.newest)
            horizon.append((newest ?? .min / 2) + idleAdvance - settings.trackTimeoutMs)
        }
        // Forgotten in the order the targets were first seen, so the output is deterministic. An
        // incident resolves with its last live member.
        for target in tracker.expire(reference: reference, idleAdvance: idleAdvance, horizon: horizon) {
            if let key = target.incident { memberGone(key, into: &alerts) }
        }
    }


    // MARK: Per-detection update

    /// `detection` of `camera` at `ts` moves target `serial`: its class, cameras and motion; its
    /// position, crossings and zones when it is its newest; then its incident.
    private mutating func update(_ serial: UInt64, with detection: Detection, camera: Int, ts: Int64, into alerts: inout [AlertMessage]) {
        guard var target = tracker.take(serial) else { return }
        defer { tracker.put(target) }
        let position = detection.position
        target.vote(detection.objectClass, conf: detection.conf)
        if !target.cameras.contains(Int32(camera)) { target.cameras.append(Int32(camera)) }
        if let i = target.tracks.firstIndex(where: { $0.camera == Int32(camera) && $0.track == detection.track }) {
            target.tracks[i].lastTs = max(target.tracks[i].lastTs, ts)
        }
        target.motion.add(position, ts: ts)
        // A detection older than the target's newest says nothing about where it went next.
        if ts >= target.lastTs {
            tracker.move(&target, to: position, ts: ts)
            transitions.apply(to: &target, at: position, ts: ts)
        }
        decide(&target, into: &alerts)
    }
}
