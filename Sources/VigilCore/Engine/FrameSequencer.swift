/// Per-camera admission and ordering of frame reports: duplicates, lateness, reboots, and
/// delivery in each camera's own frame order.
///
/// **Order.** Within one run of a camera, `seq` goes up by one per frame and `ts` with it, so
/// `seq` says exactly where a frame belongs. A frame that arrives in turn (`seq` is the next
/// expected) is released at once: in-order feeds pay no latency at all. A frame that arrives
/// early (a gap before it) is held, with the frames after it, until the gap fills; or until
/// waiting longer could no longer help: the camera's newest `ts` is `maxLatenessMs` past the held
/// frame (a missing frame would now be too late anyway), or it has waited `maxLatenessMs` of wall
/// time (the camera went quiet), or `window` frames are held. Then the missing frames are given
/// up (counted in ``missing``, and per camera in ``missingByCamera``) and the held ones released
/// in order. A frame that arrives after its turn was given up is refused as too late: frames of
/// one camera are never processed out of order. The one exception: a frame from before the first
/// one the sequencer saw of a camera (the daemon started while frames were in flight out of
/// order) could not be waited for, and is processed as it comes.
///
/// **Duplicates.** The same `seq` with the same `ts` (a retry, a second network path) is a
/// duplicate; the last `window` frames of each camera are remembered in a ring indexed by `seq`.
///
/// **Lateness.** A frame more than `maxLatenessMs` behind its camera's newest `ts` is too late:
/// lateness is judged against the camera's own progress, never the wall clock, so a backlog after
/// an outage is accepted.
///
/// **Reboots.** After a reboot `seq` starts again at 0. A frame behind the expected `seq` that is
/// newer than what was released (or far behind, more than `window` frames) starts a new run;
/// so does a frame near 0 (below `window`, after numbers more than `window` higher) whose `ts`
/// is far behind (the reboot also set the clock back). The old run's held frames are released
/// first (the gaps before them are given up: missing); the new run expects `seq` 0, so its first
/// frames are ordered too. Starting again is not a gap: the `seq` numbers the old run did not
/// reach are not missing. Reboots are counted in ``restarts``.
///
/// Memory: per camera, `window` × 16 bytes for the ring plus at most `window` held frames.
/// Not thread-safe; it belongs to the engine's queue. It reads no clock: wall time is passed in.
public struct FrameSequencer: Sendable {
    /// What happened to a frame.
    public enum Verdict: Sendable, Equatable {
        /// Released in order (with whatever it unblocked) into the `released` buffer.
        case released
        /// Held until the frames before it arrive or the wait runs out.
        case held
        /// A frame already seen.
        case duplicate
        /// More than the lateness bound behind its camera's newest frame, by this many ms.
        case tooLate(behindMs: Int64)
        /// Arrived after its turn: the camera's later frames were already released (it waited for
        /// this one no longer than the lateness bound). Carries the `seq` released last.
        case missedTurn(releasedSeq: UInt64)
    }

    /// A frame ready for processing, in its camera's order.
    public struct Released: Sendable {
        /// The camera's index.
        public var camera: Int
        /// The frame.
        public var report: FrameReport
    }

    private struct Slot {
        var seq: UInt64
        var ts: Int64
    }

    private struct Held {
        var report: FrameReport
        var arrivedWallMs: Int64
    }

    private struct CameraState {
        /// Newest `ts` admitted (held or released).
        var newestTs: Int64
        /// Highest `seq` admitted in this run.
        var highestSeq: UInt64
        /// The `seq` expected next.
        var nextSeq: UInt64
        /// `ts` of the frame released last.
        var releasedTs: Int64
        /// The first frame of this run the sequencer saw.
        var firstSeq: UInt64
        var firstTs: Int64
        var slots: [Slot]
        /// Early frames, ascending by `seq`; usually empty.
        var held: [Held] = []
    }

    private var cameras: [CameraState?]
    private let window: Int
    private let maxLatenessMs: Int64
    /// Cameras with held frames, so the wall-time check skips the rest.
    private var camerasHolding = 0
    /// Camera reboots recognised (`seq` starting again).
    public private(set) var restarts: UInt64 = 0
    /// Frames released after waiting for an earlier one.
    public private(set) var reordered: UInt64 = 0
    /// Frames never received: `seq` numbers given up after waiting.
    public private(set) var missing: UInt64 = 0
    /// ``missing`` per camera, indexed by camera: the frames of each camera dropped on the way
    /// (at a ZeroMQ high-water mark, say) or lost upstream, as its `seq` gaps show them.
    public private(set) var missingByCamera: [UInt64]
    /// Frames held now.
    public private(set) var heldCount = 0

    /// Creates a sequencer for `cameraCount` cameras that remembers `window` frames per camera
    /// and waits up to `maxLatenessMs` for a missing one.
    public init(cameraCount: Int, window: Int, maxLatenessMs: Int64) {
        cameras = Array(repeating: nil, count: cameraCount)
        missingByCamera = Array(repeating: 0, count: cameraCount)
        self.window = max(window, 1)
        self.maxLatenessMs = maxLatenessMs
    }

    /// The newest event time admitted from `camera`, if any.
    public func newestTs(camera: Int) -> Int64? { cameras[camera]?.newestTs }

    /// Decides on `report` of camera `camera`, appending to `released` every frame now ready, in
    /// order (this one included when it was in turn).
    public mutating func admit(_ report: FrameReport, camera: Int, wallNowMs: Int64, releasing released: inout [Released]) -> Verdict {
        let seq = report.seq, ts = report.ts
        let slotIndex = Int(seq % UInt64(window))
        guard var state = cameras[camera] else {
            var slots = Array(repeating: Slot(seq: .max, ts: .min), count: window)
            slots[slotIndex] = Slot(seq: seq, ts: ts)
            cameras[camera] = CameraState(newestTs: ts, highestSeq: seq, nextSeq: seq &+ 1, releasedTs: ts, firstSeq: seq, firstTs: ts, slots: slots)
            released.append(Released(camera: camera, report: report))
            return .released
        }
        cameras[camera] = nil  // keep the arrays uniquely referenced while mutating
        defer { cameras[camera] = state }
        let slot = state.slots[slotIndex]
        if slot.seq == seq && slot.ts == ts { return .duplicate }
        // A `seq` this run already had, with another `ts`: by the contract, (camera, seq) names
        // one frame while a camera runs, so this is a new run whatever its clock says.
        let seqReused = slot.seq == seq && slot.ts != ts
        if ts < state.newestTs - maxLatenessMs {
            // Too late, unless the camera restarted with its clock set back: `seq` starts again
            // near 0 (below the window) after numbers more than a window higher, or repeats one
            // of this run's (a short run: a camera that only sent heartbeats, say).
            guard seqReused || (seq < UInt64(window) && state.highestSeq > seq + UInt64(window)) else {
                return .tooLate(behindMs: state.newestTs - ts)
            }
            restart(&state, camera: camera, at: report, releasing: &released)
        } else if seq < state.firstSeq && ts <= state.firstTs {
            // From before the first frame seen of this camera (the daemon started in the middle
            // of a burst of reordered frames): there was no waiting for it; processed as it comes.
            state.slots[slotIndex] = Slot(seq: seq, ts: ts)
            released.append(Released(camera: camera, report: report))
            return .released
        } else if seq < state.nextSeq {
            // Behind the expected frame: a new run if it is newer than what was released or far
            // behind in `seq`; else a frame whose turn has passed.
            guard ts > state.releasedTs || state.nextSeq - seq > UInt64(window) || seqReused else {
                return .missedTurn(releasedSeq: state.nextSeq &- 1)
            }
            restart(&state, camera: camera, at: report, releasing: &released)
        } else if seq > state.nextSeq &+ UInt64(window) && ts <= state.releasedTs {
            // Far ahead in `seq` yet older than what was released: a straggler of the run
            // before a reboot.
            return .missedTurn(releasedSeq: state.nextSeq &- 1)
        }
        state.slots[slotIndex] = Slot(seq: seq, ts: ts)
        state.newestTs = max(state.newestTs, ts)
        state.highestSeq = max(state.highestSeq, seq)
        if seq == state.nextSeq {
            state.nextSeq = seq &+ 1
            state.releasedTs = ts
            released.append(Released(camera: camera, report: report))
            releaseInTurn(&state, camera: camera, releasing: &released)
            return .released
        }
        hold(report, in: &state, wallNowMs: wallNowMs)
        giveUpWaiting(&state, camera: camera, wallNowMs: wallNowMs, releasing: &released)
        return .held
    }

    /// Releases the held frames of cameras that have waited `maxLatenessMs` of wall time for a
    /// missing frame (their camera went quiet). Call it on a timer.
    public mutating func releaseOverdue(wallNowMs: Int64, releasing released: inout [Released]) {
        guard camerasHolding > 0 else { return }
        for camera in cameras.indices where cameras[camera]?.held.isEmpty == false {
            guard var state = cameras[camera] else { continue }
            cameras[camera] = nil
            giveUpWaiting(&state, camera: camera, wallNowMs: wallNowMs, releasing: &released)
            cameras[camera] = state
        }
    }

    // MARK: Private

    private mutating func hold(_ report: FrameReport, in state: inout CameraState, wallNowMs: Int64) {
        // Held frames are few and mostly arrive in order: insert from the end.
        var index = state.held.count
        while index > 0 && state.held[index - 1].report.seq > report.seq { index -= 1 }
        if state.held.isEmpty { camerasHolding += 1 }
        state.held.insert(Held(report: report, arrivedWallMs: wallNowMs), at: index)
        heldCount += 1
    }

    /// Releases the held frames that are now in turn.
    private mutating func releaseInTurn(_ state: inout CameraState, camera: Int, releasing released: inout [Released]) {
        var count = 0
        while count < state.held.count && state.held[count].report.seq == state.nextSeq {
            let report = state.held[count].report
            released.append(Released(camera: camera, report: report))
            state.nextSeq = report.seq &+ 1
            state.releasedTs = report.ts
            count += 1
        }
        guard count > 0 else { return }
        state.held.removeFirst(count)
        reordered += UInt64(count)
        heldCount -= count
        if state.held.isEmpty { camerasHolding -= 1 }
    }

    /// Gives up the gap before the first held frame while waiting longer cannot help.
    private mutating func giveUpWaiting(_ state: inout CameraState, camera: Int, wallNowMs: Int64, releasing released: inout [Released]) {
        while let first = state.held.first,
            state.newestTs - first.report.ts >= maxLatenessMs || wallNowMs - first.arrivedWallMs >= maxLatenessMs
                || state.held.count > window
        {
            giveUp(before: first.report.seq, in: &state, camera: camera, releasing: &released)
        }
    }

    /// Gives up the frames of `camera` from the expected one up to `seq` (a held frame's, so
    /// higher), counting them missing, and releases what is then in turn.
    private mutating func giveUp(before seq: UInt64, in state: inout CameraState, camera: Int, releasing released: inout [Released]) {
        let gap = seq &- state.nextSeq
        missing += gap
        missingByCamera[camera] += gap
        state.nextSeq = seq
        releaseInTurn(&state, camera: camera, releasing: &released)
    }

    /// A new run of the camera starts with `report`: the old run's held frames are released (the
    /// gaps before them will never fill: missing), and the new run expects `seq` 0.
    private mutating func restart(_ state: inout CameraState, camera: Int, at report: FrameReport, releasing released: inout [Released]) {
        while let first = state.held.first {
            giveUp(before: first.report.seq, in: &state, camera: camera, releasing: &released)
        }
        restarts += 1
        state.nextSeq = 0
        state.firstSeq = 0
        state.firstTs = .min
        state.highestSeq = report.seq
        state.newestTs = report.ts
        state.releasedTs = report.ts
    }
}
