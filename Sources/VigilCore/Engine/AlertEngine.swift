/// The heart of Vigil: from accepted frame reports to alert messages.
///
/// For each frame it drops duplicates and late frames and puts each camera's frames in order
/// (``FrameSequencer``), turns detections into targets (a camera track joins an existing target
/// of a compatible class within the fusion gates, so overlapping cameras and re-acquired tracks
/// make one target), classifies each target's position into zones, detects border crossings with
/// hysteresis, evaluates the rules, and raises, updates and resolves incidents by event time: one
/// per target, or one per group of targets moving together (`AlertEngine+Incidents.swift`).
///
/// Not thread-safe: one engine is owned by one serial queue (the pipeline's processing queue).
/// It does no I/O and reads no clock: the caller passes the wall time where it matters.
public struct AlertEngine: Sendable {
    /// The registered cameras.
    public let cameras: CameraRegistry
    /// The zones.
    public let zones: ZoneSet
    /// The rules, in order.
    public let rules: [Rule]
    /// Gates and timings.
    public let settings: EngineSettings
    /// The site's time zone, for rule schedules.
    public let siteTime: SiteTime
    /// Counters; the gauges (targets, tracks, open incidents, camera restarts) are derived here
    /// rather than kept up to date on the per-message path.
    public var stats: EngineStats {
        var stats = counters
        stats.targetsActive = targets.count
        stats.tracksActive = trackTargets.count
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

    var sequencer: FrameSequencer
    /// Frames the sequencer released, waiting to be handled (reused).
    private var released: [FrameSequencer.Released] = []
    var targets: [UInt64: Target] = [:]
    /// Where the targets are, for fusion.
    var grid: TargetGrid
    /// Camera track (camera index << 32 | track id) → target serial.
    var trackTargets: [UInt64: UInt64] = [:]
    /// Targets resumed from a restart's state and not seen since, with how long (event time)
    /// after its last detection each may still be re-found (`AlertEngine+State.swift`).
    var resumed: [UInt64] = []
    var resumeGapMs: Int64 = 0
    var nextSerial: UInt64 = 1
    /// The open incidents, about targets and about cameras.
    var incidents = IncidentBook()
    /// Whether alerts about what `cameras` saw are exercises: the daemon runs as one, or one of
    /// the cameras' latest reports was marked `exercise`.
    func isExercise(_ cameras: [Int32]) -> Bool {
        settings.exercise || cameras.contains { health[Int($0)].exercise }
    }

    /// Event time: the newest `ts` accepted from any camera, as corrected for its clock.
    var eventClock: Int64 = .min
    /// How far each camera's clock is off, and its correction (``ClockOffsets``).
    var clockOffsets: ClockOffsets
    /// Wall time at which a report was last accepted, for idle advance.
    var lastReportWallMs: Int64 = 0
    var lastExpiryClock: Int64?
    /// The rules prepared for matching, and what they hold in arrays.
    let compiledRules: [CompiledRule]
    let ruleTables: RuleTables
    /// What the cameras cover of the border, for coverage gaps.
    public let coverage: BorderCoverage
    /// Whether each camera is alive (``AlertEngine+Health.swift``).
    var health: CameraHealth
    /// Scratch space of ``evaluate(_:)``, reused for every detection: facts, and the alert
    /// rules that matched with the fact each matched.
    var facts: [Fact] = []
    var matches: [(rule: Int, fact: Int)] = []
    /// Whether the last evaluation dropped a rule by inhibition.
    var evaluationInhibited = false
    /// The kinds the rules name, numbered; per kind number, the kinds it inhibits.
    let kinds: KindTable
    let kindInhibits: [[Int]]
    let hasInhibitions: Bool
    /// Whether any target rule suppresses.
    let hasSuppressions: Bool

    /// Creates an engine.
    public init(
        cameras: CameraRegistry, zones: ZoneSet, rules: [Rule], settings: EngineSettings = EngineSettings(), siteTime: SiteTime = .utc
    ) {
        self.cameras = cameras
        self.zones = zones
        self.rules = rules
        self.settings = settings
        self.siteTime = siteTime
        let kinds = KindTable(rules)
        self.kinds = kinds
        compiledRules = rules.map {
            CompiledRule($0, zones: zones.zones, kinds: kinds, defaultRepeatIntervalMs: settings.positionUpdateIntervalMs)
        }
        let tables = RuleTables(rules, cameras: cameras.cameras, kinds: kinds)
        ruleTables = tables
        var inhibits = Array(repeating: [Int](), count: kinds.names.count)
        for (r, rule) in compiledRules.enumerated() where rule.kind >= 0 { inhibits[rule.kind].append(contentsOf: tables.inhibits[r]) }
        kindInhibits = inhibits
        hasInhibitions = compiledRules.contains(where: \.inhibitsAny)
        hasSuppressions = compiledRules.contains { $0.severity == nil && $0.isTargetRule }
        matches.reserveCapacity(16)
        coverage = BorderCoverage(cameras: cameras.cameras, zones: zones.zones)
        health = CameraHealth(cameraCount: cameras.count)
        grid = TargetGrid(distance: settings.fusionDistanceM, maxAbsLatitude: (cameras.cameras.map { abs($0.position.lat) }.max() ?? 60) + 1)
        facts.reserveCapacity(16)
        sequencer = FrameSequencer(
            cameraCount: cameras.count, window: settings.dedupWindow, maxLatenessMs: settings.maxLatenessMs, maxFrameRate: settings.maxFrameRate)
        released.reserveCapacity(16)
        clockOffsets = ClockOffsets(cameraCount: cameras.count)
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
        lastReportWallMs = wallNowMs
        health.accepted(camera: camera, wallNowMs: wallNowMs)
        eventClock = max(eventClock, correctedTs(report.ts, camera: camera))
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
    func correctedTs(_ ts: Int64, camera: Int) -> Int64 {
        (ts - clockOffsets.correction[camera]).clamped(to: Self.timeRange)
    }

    /// One frame, in its camera's order: detections become targets, positions become events.
    private mutating func handle(_ report: FrameReport, camera: Int, into alerts: inout [AlertMessage]) {
        let ts = correctedTs(report.ts, camera: camera)
        counters.detectionsUnknownClass += UInt64(report.unknownClassCount)
        // Detections of known tracks first: a new track is then compared with targets already
        // updated from this frame, so two objects side by side are never fused into one.
        var newTracks: [Detection] = []
        for detection in report.detections {
            guard trackTargets[Self.trackKey(camera, detection.track)] != nil else {
                newTracks.append(detection)
                continue
            }
            counters.detections += 1
            if !zones.maskIndices.isEmpty && zones.isMasked(detection.position) {
                counters.detectionsMasked += 1
                continue
            }
            let serial = target(for: detection, camera: camera, ts: ts)
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
        let choices = newTracks.count > 1 ? fusionChoices(newTracks, camera: camera, ts: ts) : nil
        for (i, detection) in newTracks.enumerated() {
            let serial = target(for: detection, camera: camera, ts: ts, choice: choices.map { $0[i] })
            update(serial, with: detection, camera: camera, ts: ts, into: &alerts)
        }
    }

    /// Resolves the incidents whose targets have been unseen for `resolveAfterMs` and forgets
    /// stale tracks and targets. Call it after each batch and on a timer: when no report has
    /// arrived for `idleAdvanceAfterMs` of wall time, event time advances with the wall clock.
    public mutating func expire(wallNowMs: Int64, into alerts: inout [AlertMessage]) {
        let wallNowMs = wallNowMs.clamped(to: Self.timeRange)
        checkHealth(wallNowMs: wallNowMs, into: &alerts)
        guard eventClock != .min else { return }
        sequencer.releaseOverdue(wallNowMs: wallNowMs, releasing: &released)
        processReleased(into: &alerts)
        if settings.clockCorrectionMinMs > 0 { correctClocks(wallNowMs: wallNowMs) }
        let idle = wallNowMs - lastReportWallMs
        let clock = idle > settings.idleAdvanceAfterMs ? eventClock + idle : eventClock
        if !resumed.isEmpty { resumed.removeAll { targets[$0].map { $0.lastTs + resumeGapMs < clock } ?? true } }
        // Scanning every target is linear; doing it at most once a second of event time keeps it
        // off the per-message cost.
        if let last = lastExpiryClock, clock >= last, clock - last < 1_000 { return }
        lastExpiryClock = clock
        // Each target is judged by the event time of the cameras that see it, so a camera running
        // behind the others (drift, a backlog after an outage) does not have its targets resolved
        // early. A camera silent for `idleAdvanceAfterMs` no longer holds its targets back: they
        // follow the newest event time of all. When every feed is silent, the wall clock moves
        // them all on.
        let idleAdvance = idle > settings.idleAdvanceAfterMs ? idle : 0
        var gone: [UInt64] = [], stale: [UInt64] = []
        for (serial, target) in targets {
            var reference = target.lastTs
            for camera in target.cameras { reference = max(reference, cameraTime(Int(camera), wallNowMs: wallNowMs)) }
            if target.lastTs < reference + idleAdvance - settings.resolveAfterMs {
                gone.append(serial)
            } else if target.tracks.contains(where: { $0.lastTs < self.trackHorizon($0.camera, idleAdvance) }) {
                stale.append(serial)
            }
        }
        for serial in stale {
            guard var target = targets.removeValue(forKey: serial) else { continue }
            let tracks = target.tracks
            target.tracks.removeAll(keepingCapacity: true)
            for track in tracks {
                if track.lastTs < trackHorizon(track.camera, idleAdvance) {
                    trackTargets[Self.trackKey(Int(track.camera), track.track)] = nil
                } else {
                    target.tracks.append(track)
                }
            }
            targets[serial] = target
        }
        // Forget in the order the targets were first seen, so the output is deterministic. An
        // incident resolves with its last live member.
        for serial in gone.sorted() {
            guard let target = targets.removeValue(forKey: serial) else { continue }
            grid.remove(serial, from: target.cell)
            for track in target.tracks { trackTargets[Self.trackKey(Int(track.camera), track.track)] = nil }
            if let key = target.incident { memberGone(key, into: &alerts) }
        }
    }

    /// The event time a target seen by `camera` is judged by: the camera's newest frame while it
    /// reports, the newest of all once it has been silent for `idleAdvanceAfterMs`.
    private func cameraTime(_ camera: Int, wallNowMs: Int64) -> Int64 {
        guard let newest = sequencer.newestTs(camera: camera), wallNowMs - health.acceptedWallMs[camera] <= settings.idleAdvanceAfterMs else {
            return eventClock
        }
        return correctedTs(newest, camera: camera)
    }

    /// Event time before which a track of `camera` is forgotten.
    private func trackHorizon(_ camera: Int32, _ idleAdvance: Int64) -> Int64 {
        (sequencer.newestTs(camera: Int(camera)).map { correctedTs($0, camera: Int(camera)) } ?? .min / 2) + idleAdvance - settings.trackTimeoutMs
    }

    // MARK: Tracks and fusion

    @inline(__always)
    static func trackKey(_ camera: Int, _ track: UInt32) -> UInt64 { UInt64(camera) << 32 | UInt64(track) }

    /// Calls `body` with every existing target `detection` (of a new track of `camera`, at `ts`)
    /// may fuse with, and its distance.
    private func forEachFusable(_ detection: Detection, camera: Int, ts: Int64, _ body: (UInt64, Double) -> Void) {
        grid.forEachNear(detection.position) { serial in
            // Seen within the fusion time before this detection; or after it, by up to the clock
            // skew allowed (this camera's clock runs behind the others'). A camera that has not
            // seen the target yet may also be that far ahead: its clock's offset is corrected
            // (``ClockOffsets``) once a few samples have shown it, and a target in view from its
            // first frames would be taken for a second one until then.
            guard let target = targets[serial], target.lastTs - ts <= settings.fusionClockSkewMs,
                ts - target.lastTs <= settings.fusionTimeMs
                    || (ts - target.lastTs <= settings.fusionClockSkewMs && !target.cameras.contains(Int32(camera))),
                target.isCompatible(with: detection.objectClass)
            else { return }
            // A track of the same camera in this very frame means a different object beside this
            // one; an older track of the same camera is one the tracker lost and picked up again.
            if target.tracks.contains(where: { $0.camera == Int32(camera) && $0.lastTs >= ts }) { return }
            let distance = target.position.distance(to: detection.position)
            if distance <= settings.fusionDistanceM { body(serial, distance) }
        }
    }

    /// The targets the new tracks of one frame fuse with, chosen together: the closest pair of
    /// all first, then the closest of the rest, and so on, each target taking at most one of
    /// them. Taken one by one in the frame's order, the first new track of a camera that comes
    /// upon a group 7 m apart takes whichever member is nearest to its noisy fix, and leaves the
    /// next one a worse choice; matched together, fewer are crossed. A crossed pair still
    /// happens with fixes 3 m off each way and one frame of evidence: two people's fixes then
    /// alternate in one target and its velocity swings (README, Detection trials). `nil` where
    /// a track fuses with none.
    private func fusionChoices(_ detections: [Detection], camera: Int, ts: Int64) -> [UInt64?] {
        var pairs: [(distance: Double, detection: Int, serial: UInt64)] = []
        for (i, detection) in detections.enumerated() {
            forEachFusable(detection, camera: camera, ts: ts) { serial, distance in pairs.append((distance, i, serial)) }
        }
        pairs.sort { ($0.distance, $0.detection, $0.serial) < ($1.distance, $1.detection, $1.serial) }
        var chosen = [UInt64?](repeating: nil, count: detections.count)
        var taken = Set<UInt64>()
        for pair in pairs where chosen[pair.detection] == nil && !taken.contains(pair.serial) {
            chosen[pair.detection] = pair.serial
            taken.insert(pair.serial)
        }
        return chosen
    }

    /// The target a detection belongs to: its track's target, or the existing target it fuses
    /// with (`choice`, when the frame's new tracks were matched together; else the nearest), or a
    /// re-found one, or a new one.
    private mutating func target(for detection: Detection, camera: Int, ts: Int64, choice: UInt64?? = nil) -> UInt64 {
        let key = Self.trackKey(camera, detection.track)
        if let serial = trackTargets[key], targets[serial] != nil { return serial }
        var best: (serial: UInt64, distance: Double)?
        if let choice {
            best = choice.map { ($0, 0) }
        } else {
            forEachFusable(detection, camera: camera, ts: ts) { serial, distance in
                if distance < (best?.distance ?? .infinity) { best = (serial, distance) }
            }
        }
        if best == nil && !resumed.isEmpty { best = resumedTarget(for: detection, ts: ts) }
        let serial: UInt64
        if let best {
            serial = best.serial
            counters.tracksFused += 1
        } else {
            serial = nextSerial
            nextSerial += 1
            counters.targetsCreated += 1
            let cell = grid.cell(of: detection.position)
            targets[serial] = Target(
                serial: serial, position: detection.position, cell: cell, firstTs: ts, lastTs: ts, cameras: [],
                tracks: [], borderSides: Array(repeating: nil, count: zones.borderIndices.count))
            grid.insert(serial, at: cell)
        }
        targets[serial]!.tracks.append((Int32(camera), detection.track, ts))
        trackTargets[key] = serial
        return serial
    }

    /// A target resumed from the state of a restart that `detection` re-finds: the frames
    /// between the state and the restart were lost, and the cameras' trackers may have moved on
    /// to new track ids meanwhile (a reboot), so the fusion gates would take the same person for
    /// a new one, on the far side of the line he crossed unseen. Within ``resumeGapMs`` of its
    /// last detection, a resumed target of a compatible class is re-found where it would be by
    /// now (its velocity, when known), give or take the fusion distance and 3 m/s of the gap.
    private mutating func resumedTarget(for detection: Detection, ts: Int64) -> (serial: UInt64, distance: Double)? {
        var best: (serial: UInt64, distance: Double)?
        resumed.removeAll { serial in
            guard let target = targets[serial] else { return true }
            return target.lastTs + resumeGapMs < ts
        }
        for serial in resumed {
            guard let target = targets[serial], ts >= target.lastTs - settings.fusionClockSkewMs, target.isCompatible(with: detection.objectClass)
            else { continue }
            let gapS = Double(max(ts - target.lastTs, 0)) / 1_000
            var expected = target.position
            if let velocity = target.motion.velocity {
                expected = LocalPlane(origin: target.position).unproject(Vector2(x: velocity.east * gapS, y: velocity.north * gapS))
            }
            let distance = expected.distance(to: detection.position)
            if distance <= settings.fusionDistanceM + 3 * gapS && distance < (best?.distance ?? .infinity) { best = (serial, distance) }
        }
        return best
    }

    // MARK: Per-detection update

    private mutating func update(_ serial: UInt64, with detection: Detection, camera: Int, ts: Int64, into alerts: inout [AlertMessage]) {
        guard var target = targets.removeValue(forKey: serial) else { return }
        defer { targets[serial] = target }
        if !resumed.isEmpty, let i = resumed.firstIndex(of: serial) { resumed.remove(at: i) }
        let position = detection.position
        target.vote(detection.objectClass, conf: detection.conf)
        if !target.cameras.contains(Int32(camera)) { target.cameras.append(Int32(camera)) }
        if let i = target.tracks.firstIndex(where: { $0.camera == Int32(camera) && $0.track == detection.track }) {
            target.tracks[i].lastTs = max(target.tracks[i].lastTs, ts)
        }
        target.motion.add(position, ts: ts)
        // A detection older than the target's newest says nothing about where it went next.
        if ts >= target.lastTs {
            target.position = position
            target.lastTs = ts
            let cell = grid.cell(of: position)
            if cell != target.cell {
                grid.move(target.serial, from: target.cell, to: cell)
                target.cell = cell
            }
            detectCrossings(&target, at: position)
            updateZones(&target, at: position, ts: ts)
        }
        decide(&target, into: &alerts)
    }

    /// Crossing with hysteresis: the target's side is first taken once it is a third of
    /// ``EngineSettings/crossingConfirmM`` from the line (10 m by default), and changes only when
    /// it is clearly (`crossingConfirmM`) on the other side and the segment between the two
    /// positions crosses the line. Jitter near the line never makes a crossing; a target first
    /// seen close to the line still crosses; a vehicle that jumps across between two frames does.
    private func detectCrossings(_ target: inout Target, at position: GeoPoint) {
        for (border, zoneIndex) in zones.borderIndices.enumerated() {
            guard case .line(let line, _) = zones.zones[zoneIndex].shape, let proximity = line.proximity(of: position) else { continue }
            guard let previous = target.borderSides[border] else {
                if proximity.distance >= settings.crossingConfirmM / 3 { target.borderSides[border] = (proximity.side, position) }
                continue
            }
            guard proximity.distance >= settings.crossingConfirmM else { continue }
            if previous.side != proximity.side, line.crossing(from: previous.at, to: position) != nil {
                target.crossing = (border, previous.side, proximity.side)
            }
            target.borderSides[border] = (proximity.side, position)
        }
    }

    /// Zone membership with hysteresis both ways: inside after the zone's inertia of consecutive
    /// frames inside, and outside again only after as many consecutive frames outside, so two
    /// cameras that disagree at a zone's edge do not restart the dwell time.
    private func updateZones(_ target: inout Target, at position: GeoPoint, ts: Int64) {
        let inside = zones.classify(position)
        for (zone, streak) in target.zoneStreaks where !inside.contains(zone) {
            let misses = streak.misses + 1
            target.zoneStreaks[zone] = misses >= (zones.zones[zone].inertiaFrames ?? settings.zoneInertiaFrames) ? nil : (streak.frames, streak.since, misses)
        }
        for zone in inside {
            if let streak = target.zoneStreaks[zone] {
                target.zoneStreaks[zone] = (streak.frames + 1, streak.since, 0)
            } else {
                target.zoneStreaks[zone] = (1, ts, 0)
            }
        }
    }
}
