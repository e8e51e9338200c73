/// Fusion's gates: which existing targets a new camera track's detection may join (a target of a
/// compatible class within the distance, the time and the clock skew allowed), so overlapping
/// cameras and re-acquired tracks make one target, and how a frame's new tracks are matched
/// together. ``Tracker/target(for:camera:ts:choice:)`` decides.
extension Tracker {
    /// Calls `body` with every existing target `detection` (of a new track of `camera`, at `ts`)
    /// may fuse with, and its distance.
    func forEachFusable(_ detection: Detection, camera: Int, ts: Int64, _ body: (UInt64, Double) -> Void) {
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
}
