/// Fusion: which target a camera track's detection belongs to. A track joins an existing target
/// of a compatible class within the fusion gates (distance, time, the clock skew allowed), so
/// overlapping cameras and re-acquired tracks make one target; a target resumed from a restart's
/// state may be re-found under a new track.
extension Tracker {
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
    func fusionChoices(_ detections: [Detection], camera: Int, ts: Int64) -> [UInt64?] {
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
    mutating func target(for detection: Detection, camera: Int, ts: Int64, choice: UInt64?? = nil) -> UInt64 {
        if let serial = trackTargets[Self.trackKey(camera, detection.track)], targets[serial] != nil { return serial }
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
}
