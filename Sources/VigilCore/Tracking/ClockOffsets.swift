/// How far each camera's clock runs ahead of (+) or behind (−) the others', and the correction
/// the engine applies to its `ts` before fusing, grouping and timing its detections.
///
/// A camera whose clock is 2 s ahead reports a person at `ts` t + 2 s where another camera sees
/// him at t: without a correction the fusion gate (``EngineSettings/fusionTimeMs``) takes them
/// for two people, and a lone walker is raised with `count` 2 (the detection trials found it in
/// 8 of 300 trials). The offset is estimated from the feeds themselves: every quarter second of
/// event time, each camera that is streaming (it sent new frames in this round and the one
/// before, so its newest `ts` is within a frame of its now) is compared with the median of the
/// streaming cameras (its newest `ts` minus theirs); the median of its last ``window`` samples
/// is its offset. A camera that only sends a heartbeat now and then is left out: its newest
/// `ts` is up to a heartbeat old, and beside a border of them a streaming camera would look
/// seconds ahead (the nuisance soak's heartbeats are 10 s of event time apart). The
/// median of the cameras, not the daemon's clock, is the reference: a replay or an accelerated
/// run plays event time at another pace than the wall clock, and the border's cameras agree
/// with one another far better than with any one of them.
///
/// Only an offset of at least ``EngineSettings/clockCorrectionMinMs`` is corrected (cameras
/// whose frames arrive at different moments of a round differ by up to a frame or two, and that
/// is no clock fault), and none beyond
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
    /// Per camera, its newest `ts` at the last round, and in how many rounds in a row it was new.
    private var lastNewest: [Int64?]
    private var streak: [Int]
    /// Event time of the last round.
    private var lastRoundClock: Int64 = .min
    /// Scratch space for a round.
    private var scratch: [Int64] = []

    init(cameraCount: Int) {
        samples = Array(repeating: [], count: cameraCount)
        nextSample = Array(repeating: 0, count: cameraCount)
        correction = Array(repeating: 0, count: cameraCount)
        lastNewest = Array(repeating: nil, count: cameraCount)
        streak = Array(repeating: 0, count: cameraCount)
    }

    /// Takes the corrections of a restored state; the estimates start afresh and move them only
    /// when they come out different.
    mutating func restore(_ corrections: [Int64]) {
        precondition(corrections.count == correction.count, "one correction per camera")
        correction = corrections
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
        for camera in correction.indices {
            let ts = newest(camera)
            streak[camera] = ts != nil && ts != lastNewest[camera] ? streak[camera] + 1 : 0
            lastNewest[camera] = ts
            if let ts, streak[camera] >= 2 { scratch.append(ts) }
        }
        guard scratch.count >= 2 else { return [] }
        var changed: [(camera: Int, change: Int64)] = []
        scratch.sort()
        let reference = scratch[scratch.count / 2]
        for camera in correction.indices where streak[camera] >= 2 {
            guard let ts = lastNewest[camera] else { continue }
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
