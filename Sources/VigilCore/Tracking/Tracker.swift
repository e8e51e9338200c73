/// The targets: camera tracks fused into the real objects they saw, where those are, and who
/// moves with whom.
///
/// Owns: the live targets by serial, the grid that finds them by position, the map from camera
/// track (camera index << 32 | track id) to target, the targets resumed from a restart's state
/// and not seen since (with how long after its last detection each may still be re-found), the
/// next serial number, and its counters (targets created, tracks fused).
///
/// A target is taken out while the engine updates it (``take(_:)``, ``put(_:)``), so the other
/// targets can be read beside it; fusion's gates are in `Tracker+Fusion.swift`, the targets'
/// coding in `Tracker+State.swift`.
struct Tracker {
    private(set) var targets = TargetTable()
    /// Where the targets are, for fusion and groups.
    private(set) var grid: TargetGrid
    /// Camera track (camera index << 32 | track id) → target serial.
    private(set) var trackTargets: [UInt64: UInt64] = [:]
    /// Targets resumed from a restart's state and not seen since, and how long (event time)
    /// after its last detection each may still be re-found (``resumedTarget(for:ts:)``).
    private var resumed: [UInt64] = []
    private var resumeGapMs: Int64 = 0
    private var nextSerial: UInt64 = 1
    /// Targets created; camera tracks joined to an existing target.
    private(set) var targetsCreated: UInt64 = 0
    private(set) var tracksFused: UInt64 = 0
    let settings: EngineSettings
    /// Border lines, for each new target's sides.
    let borderCount: Int

    init(settings: EngineSettings, cameras: CameraRegistry, borderCount: Int) {
        self.settings = settings
        self.borderCount = borderCount
        grid = Self.grid(settings: settings, cameras: cameras)
    }

    /// An empty grid for the cells around `cameras`.
    static func grid(settings: EngineSettings, cameras: CameraRegistry) -> TargetGrid {
        TargetGrid(distance: settings.fusionDistanceM, maxAbsLatitude: (cameras.cameras.map { abs($0.position.lat) }.max() ?? 60) + 1)
    }

    @inline(__always)
    static func trackKey(_ camera: Int, _ track: UInt32) -> UInt64 { UInt64(camera) << 32 | UInt64(track) }

    /// Whether `camera`'s track `track` feeds a target.
    func knows(camera: Int, track: UInt32) -> Bool { trackTargets[Self.trackKey(camera, track)] != nil }

    // MARK: Taking targets out and back

    /// Takes target `serial` out, to update it (``put(_:)`` puts it back); it is seen again, so
    /// no longer only resumed.
    mutating func take(_ serial: UInt64) -> Target? {
        guard let target = targets.take(serial) else { return nil }
        if !resumed.isEmpty, let i = resumed.firstIndex(of: serial) { resumed.remove(at: i) }
        return target
    }

    /// Puts `target` back.
    mutating func put(_ target: Target) { targets[target.serial] = target }

    /// Moves `target` (taken out) to `position`, its newest, at `ts`.
    mutating func move(_ target: inout Target, to position: GeoPoint, ts: Int64) {
        target.position = position
        target.lastTs = ts
        let cell = grid.cell(of: position)
        if cell != target.cell {
            grid.move(target.serial, from: target.cell, to: cell)
            target.cell = cell
        }
    }

    /// Notes that target `serial` belongs to incident `key`.
    mutating func setIncident(_ key: UInt64?, of serial: UInt64) {
        targets[serial]?.incident = key
    }

    // MARK: Neighbours and groups

    /// Calls `body` with every target in the cells around `point` (whatever its distance).
    func forEachNear(_ point: GeoPoint, _ body: (Target) -> Void) {
        grid.forEachNear(point) { serial in if let target = targets[serial] { body(target) } }
    }

    /// Whether `other` moves with `target`: near, of a compatible class, with the same velocity.
    func movesTogether(_ target: Target, _ other: Target) -> Bool {
        target.isCompatible(with: other.objectClass) && other.isCompatible(with: target.objectClass)
            && target.position.distance(to: other.position) <= settings.groupRadiusM
            && target.motion.movesWith(other.motion, tolerance: settings.groupVelocityToleranceMps)
    }

    /// Targets in no incident that move with `target`, in order of serial.
    func companions(of target: Target) -> [UInt64] {
        var found: [UInt64] = []
        grid.forEachNear(target.position) { serial in
            // A target suppressed for some events (a resident's presence in town) still moves
            // with the others: it joins their crossing (an animal never does: its class).
            guard let other = targets[serial], other.incident == nil, movesTogether(target, other) else { return }
            found.append(serial)
        }
        return found.sorted()
    }

    /// The size of `target`'s group: its incident's count, or itself and the targets moving with it.
    func groupSize(of target: borrowing Target, incidents: borrowing IncidentBook) -> Int {
        if let key = target.incident, let incident = incidents[key] { return incident.count }
        return 1 + companions(of: target).count
    }

    // MARK: Forgetting

    /// Forgets the resumed targets whose time to be re-found ended before `clock`.
    mutating func dropResumed(before clock: Int64) {
        if !resumed.isEmpty { resumed.removeAll { targets[$0].map { $0.lastTs + resumeGapMs < clock } ?? true } }
    }

    /// Forgets the tracks last seen before their camera's horizon (`horizon`, per camera), and
    /// the targets whose last detection is `resolveAfterMs` behind the event time they are judged
    /// by (`reference`: per camera, the event time of a target it sees, `idleAdvance` added);
    /// returns those targets, in the order they were first seen.
    mutating func expire(reference: [Int64], idleAdvance: Int64, horizon: [Int64]) -> [Target] {
        var gone: [UInt64] = [], stale: [UInt64] = []
        for (serial, target) in targets {
            var latest = target.lastTs
            for camera in target.cameras { latest = max(latest, reference[Int(camera)]) }
            if target.lastTs < latest + idleAdvance - settings.resolveAfterMs {
                gone.append(serial)
            } else if target.tracks.contains(where: { $0.lastTs < horizon[Int($0.camera)] }) {
                stale.append(serial)
            }
        }
        for serial in stale {
            guard var target = targets.removeValue(forKey: serial) else { continue }
            let tracks = target.tracks
            target.tracks.removeAll(keepingCapacity: true)
            for track in tracks {
                if track.lastTs < horizon[Int(track.camera)] {
                    trackTargets[Self.trackKey(Int(track.camera), track.track)] = nil
                } else {
                    target.tracks.append(track)
                }
            }
            targets[serial] = target
        }
        var forgotten: [Target] = []
        for serial in gone.sorted() {
            guard let target = targets.removeValue(forKey: serial) else { continue }
            grid.remove(serial, from: target.cell)
            for track in target.tracks { trackTargets[Self.trackKey(Int(track.camera), track.track)] = nil }
            forgotten.append(target)
        }
        return forgotten
    }

    // MARK: Clocks

    /// `camera`'s clock correction grew by `change`: the times its tracks hold move back by as
    /// much. A target only it sees moves whole (and its velocity is learnt afresh); a target
    /// others see too is as new as its newest track, so the other cameras' next detections are
    /// not taken for old news while the skewed camera's clock catches up.
    mutating func rebase(camera: Int, by change: Int64) {
        let camera = Int32(camera)
        func moved(_ ts: Int64) -> Int64 { (ts - change).clamped(to: AlertEngine.timeRange) }
        for serial in Array(targets.keys) {
            guard var target = targets[serial], target.tracks.contains(where: { $0.camera == camera }) else { continue }
            for i in target.tracks.indices where target.tracks[i].camera == camera { target.tracks[i].lastTs = moved(target.tracks[i].lastTs) }
            if target.cameras == [camera] {
                target.firstTs = moved(target.firstTs)
                target.lastTs = moved(target.lastTs)
                for (zone, streak) in target.zoneStreaks { target.zoneStreaks[zone] = (streak.frames, moved(streak.since), streak.misses) }
                target.lastGroupCheckTs = .min / 2
                target.motion = Motion()
            } else if let newest = target.tracks.map(\.lastTs).max(), newest < target.lastTs {
                target.lastTs = newest
                target.motion = Motion()
            }
            targets[serial] = target
        }
    }

    // MARK: Fusion

    /// The target a detection belongs to: its track's target, or the existing target it fuses
    /// with (`choice`, when the frame's new tracks were matched together; else the nearest), or a
    /// re-found one, or a new one.
    mutating func target(for detection: Detection, camera: Int, ts: Int64, choice: UInt64?? = nil) -> UInt64 {
        if let serial = trackTargets[Self.trackKey(camera, detection.track)], targets.contains(serial) { return serial }
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
            tracksFused += 1
        } else {
            serial = create(at: detection.position, ts: ts)
        }
        attach(camera: camera, track: detection.track, ts: ts, to: serial)
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

    /// Creates a target at `detection`'s position, at `ts`.
    private mutating func create(at position: GeoPoint, ts: Int64) -> UInt64 {
        let serial = nextSerial
        nextSerial += 1
        targetsCreated += 1
        let cell = grid.cell(of: position)
        targets[serial] = Target(
            serial: serial, position: position, cell: cell, firstTs: ts, lastTs: ts, cameras: [], tracks: [],
            borderSides: Array(repeating: nil, count: borderCount))
        grid.insert(serial, at: cell)
        return serial
    }

    /// Feeds target `serial` with `camera`'s track `track`, seen at `ts`.
    private mutating func attach(camera: Int, track: UInt32, ts: Int64, to serial: UInt64) {
        targets[serial]!.tracks.append((Int32(camera), track, ts))
        trackTargets[Self.trackKey(camera, track)] = serial
    }

    // MARK: State (the targets' coding: Tracker+State.swift)

    /// Writes the next serial number.
    func encodeSerial(to w: inout StateWriter) { w.put(nextSerial) }

    /// Reads what ``encodeSerial(to:)`` wrote.
    mutating func restoreSerial(from r: inout StateReader) throws(StateError) { nextSerial = try r.uint64() }

    /// Lets every target be re-found under a new track (``target(for:camera:ts:choice:)``) within
    /// `gapMs` of its last detection.
    mutating func resumeAll(gapMs: Int64) {
        resumed = targets.keys.sorted()
        resumeGapMs = gapMs
    }

    /// Replaces every target with `restored`, rebuilding the grid and the track map.
    mutating func replaceTargets(_ restored: [Target], cameras: CameraRegistry) {
        targets = TargetTable()
        trackTargets = [:]
        grid = Self.grid(settings: settings, cameras: cameras)
        for var target in restored {
            target.cell = grid.cell(of: target.position)
            grid.insert(target.serial, at: target.cell)
            for track in target.tracks { trackTargets[Self.trackKey(Int(track.camera), track.track)] = target.serial }
            targets[target.serial] = target
        }
    }
}
