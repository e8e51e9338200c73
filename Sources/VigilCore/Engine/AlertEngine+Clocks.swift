/// Cameras whose clocks run ahead of or behind the others' (``ClockOffsets``): estimating the
/// offsets, and moving what the engine holds in a camera's time when its correction changes.
extension AlertEngine {
    /// How recently (event time, behind the newest `ts` of all) a camera must have reported to
    /// be compared with the others.
    static let clockSampleRecentMs: Int64 = 10_000

    /// A round of clock offset samples from the cameras that reported in the last
    /// ``EngineSettings/idleAdvanceAfterMs`` of wall time and lately in event time; a camera whose
    /// correction changed has its targets' times moved with it.
    mutating func correctClocks(wallNowMs: Int64) {
        guard clockOffsets.isDue(clock: eventClock) else { return }
        let sequencer = sequencer, reported = health.acceptedWallMs, idleMs = settings.idleAdvanceAfterMs
        var newestOfAll = Int64.min
        for camera in reported.indices { if let ts = sequencer.newestTs(camera: camera) { newestOfAll = max(newestOfAll, ts) } }
        let changes = clockOffsets.sample(clock: eventClock, minMs: settings.clockCorrectionMinMs, maxMs: settings.maxFutureSkewMs) { camera in
            guard wallNowMs - reported[camera] <= idleMs, let ts = sequencer.newestTs(camera: camera), ts >= newestOfAll - Self.clockSampleRecentMs
            else { return nil }
            return ts
        }
        for (camera, change) in changes { rebase(camera: camera, by: change) }
    }

    /// `camera`'s correction grew by `change`: the times its tracks hold move back by as much. A
    /// target only it sees moves whole (and its velocity is learnt afresh); a target others see
    /// too is as new as its newest track, so the other cameras' next detections are not taken
    /// for old news while the skewed camera's clock catches up.
    private mutating func rebase(camera: Int, by change: Int64) {
        let camera = Int32(camera)
        func moved(_ ts: Int64) -> Int64 { (ts - change).clamped(to: Self.timeRange) }
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
}
