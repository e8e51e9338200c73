/// Cameras whose clocks run ahead of or behind the others' (``ClockOffsets``): estimating the
/// offsets; the tracker moves what it holds in a camera's time when its correction changes
/// (``Tracker/rebase(camera:by:)``).
extension AlertEngine {
    /// How recently (event time, behind the newest `ts` of all) a camera must have reported to
    /// be compared with the others.
    static let clockSampleRecentMs: Int64 = 10_000

    /// A round of clock offset samples from the cameras that reported in the last
    /// ``EngineSettings/idleAdvanceAfterMs`` of wall time and lately in event time; a camera whose
    /// correction changed has its targets' times moved with it.
    mutating func correctClocks(wallNowMs: Int64) {
        guard eventTime.offsetsDue else { return }
        let sequencer = sequencer, reported = health.acceptedWallMs, idleMs = settings.idleAdvanceAfterMs
        var newestOfAll = Int64.min
        for camera in reported.indices { if let ts = sequencer.newestTs(camera: camera) { newestOfAll = max(newestOfAll, ts) } }
        let changes = eventTime.sampleOffsets(minMs: settings.clockCorrectionMinMs, maxMs: settings.maxFutureSkewMs) { camera in
            guard wallNowMs - reported[camera] <= idleMs, let ts = sequencer.newestTs(camera: camera), ts >= newestOfAll - Self.clockSampleRecentMs
            else { return nil }
            return ts
        }
        for (camera, change) in changes { tracker.rebase(camera: camera, by: change) }
    }
}
