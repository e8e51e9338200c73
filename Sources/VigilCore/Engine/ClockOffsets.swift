/// How far each camera's clock runs ahead of (+) or behind (−) the others', and the correction
/// the engine applies to its `ts` before fusing, grouping and timing its detections.
///
/// A camera whose clock is 2 s ahead reports a person at `ts` t + 2 s where another camera sees
/// him at t: without a correction the fusion gate (``EngineSettings/fusionTimeMs``) takes them
/// for two people, and a lone walker is raised with `count` 2 (the detection trials found it in
/// 8 of 300 trials). The offset is estimated from the feeds themselves: every quarter second of
/// event time, each camera that reported recently is compared with the median of all of them
/// (its newest `ts` minus theirs); the median of its last ``window`` samples is its offset. The
/// median of the cameras, not the daemon's clock, is the reference: a replay or an accelerated
/// run plays event time at another pace than the wall clock, and the border's cameras agree
/// with one another far better than with any one of them.
///
/// Only an offset of at least ``EngineSettings/clockCorrectionMinMs`` is corrected (a camera
/// that reports at 10 frames a second among cameras that send a heartbeat a second looks half
/// a second ahead, and that is no clock fault), and none beyond
/// ``EngineSettings/maxFutureSkewMs`` either way: further behind is a backlog after an outage,
/// real old data, not a clock. The correction moves only when the estimate moved by half the
/// minimum, so a camera's corrected times do not jitter.
struct ClockOffsets: Sendable {
    /// Samples kept per camera.
    static let window = 5
    /// Event time between two rounds of samples.
    static let intervalMs: Int64 = 250
    /// Samples per camera, a ring of ``window``.
    private var samples: [[Int64]]
    private var nextSample: [Int]
    /// Per camera, the correction subtracted from its `ts`.
    private(set) var correction: [Int64]
    /// Event time of the last round.
    private var lastRoundClock: Int64 = .min
    /// Scratch space for a round.
    private var scratch: [Int64] = []

    init(cameraCount: Int) {
        samples = Array(repeating: [], count: cameraCount)
        nextSample = Array(repeating: 0, count: cameraCount)
        correction = Array(repeating: 0, count: cameraCount)
    }

    /// Whether a round is due at event time `clock`.
    func isDue(clock: Int64) -> Bool {
        clock >= lastRoundClock.addingSaturating(Self.intervalMs) || clock < lastRoundClock
    }

    /// A round of samples at event time `clock`, at most every ``intervalMs``: `newest` gives a
    /// camera's newest `ts` if it reported recently enough to be compared, else `nil`.
    /// Returns the cameras whose correction changed, with the change.
    mutating func sample(clock: Int64, minMs: Int64, maxMs: Int64, newest: (Int) -> Int64?) -> [(camera: Int, change: Int64)] {
        guard minMs > 0, isDue(clock: clock) else { return [] }
        lastRoundClock = clock
        scratch.removeAll(keepingCapacity: true)
        for camera in correction.indices { if let ts = newest(camera) { scratch.append(ts) } }
        guard scratch.count >= 2 else { return [] }
        var changed: [(camera: Int, change: Int64)] = []
        scratch.sort()
        let reference = scratch[scratch.count / 2]
        for camera in correction.indices {
            guard let ts = newest(camera) else { continue }
            // Both lie in the engine's time range, so the difference cannot overflow.
            let lead = ts - reference
            if samples[camera].count < Self.window {
                samples[camera].append(lead)
            } else {
                samples[camera][nextSample[camera]] = lead
            }
            nextSample[camera] = (nextSample[camera] + 1) % Self.window
            guard samples[camera].count >= Self.window / 2 + 1 else { continue }
            let estimate = samples[camera].sorted()[samples[camera].count / 2]
            let wanted = abs(estimate) >= minMs && abs(estimate) <= maxMs ? estimate : 0
            if abs(wanted - correction[camera]) >= minMs / 2 {
                changed.append((camera, wanted - correction[camera]))
                correction[camera] = wanted
            }
        }
        return changed
    }
}
