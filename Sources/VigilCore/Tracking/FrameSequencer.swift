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
/// **Wild jumps.** A camera takes at most `maxFrameRate` frames a second, so a frame whose `seq`
/// lies further ahead of the expected one than the camera could have taken in the event time
/// since the frame released last (plus `window` for clock jitter) is no gap of lost frames: it is
/// refused (``Verdict/seqJump(expected:allowed:)``), and nothing of it is counted missing. A
/// camera whose numbering really moved (a gateway that renumbered its frames without a reboot)
/// is followed after one frame: a frame that continues the refused one (its `seq` + 1, not older)
/// starts a new run there. Every count stays true under hostile input: the gaps counted missing
/// are bounded by the camera's frame rate, and the counters saturate rather than trap.
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
        /// `seq` is further ahead of the expected one than `allowed` frames, the most the camera
        /// could have taken since the frame released last.
        case seqJump(expected: UInt64, allowed: UInt64)
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
        /// The last frame refused as a wild jump: a frame that continues it starts a new run.
        var jumpedTo: Slot?
    }

    private var cameras: [CameraState?]
    private let window: Int
    private let maxLatenessMs: Int64
    private let maxFrameRate: UInt64
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

    /// Frames refused as wild `seq` jumps.
    public private(set) var jumps: UInt64 = 0

    /// Creates a sequencer for `cameraCount` cameras that remembers `window` frames per camera,
    /// waits up to `maxLatenessMs` for a missing one, and takes cameras to shoot at most
    /// `maxFrameRate` frames a second.
    public init(cameraCount: Int, window: Int, maxLatenessMs: Int64, maxFrameRate: Int = 1_000) {
        cameras = Array(repeating: nil, count: cameraCount)
        missingByCamera = Array(repeating: 0, count: cameraCount)
        self.window = max(window, 1)
        self.maxLatenessMs = max(maxLatenessMs, 0)
        self.maxFrameRate = UInt64(max(maxFrameRate, 1))
    }

    /// The most frames a camera can have taken after one at `fromTs` up to one at `ts`, so the
    /// largest forward `seq` step that is still a gap of lost frames: `window` (clock jitter
    /// between frames) plus `maxFrameRate` a second of event time between them.
    func allowedStep(fromTs: Int64, toTs ts: Int64) -> UInt64 {
        let elapsedMs = UInt64(clamping: ts.subtractingSaturating(fromTs))
        return UInt64(window).addingSaturating((elapsedMs / 1_000 + 1).multipliedSaturating(by: maxFrameRate))
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
        if ts < state.newestTs.subtractingSaturating(maxLatenessMs) {
            // Too late, unless the camera restarted with its clock set back: `seq` starts again
            // near 0 (below the window) after numbers more than a window higher, or repeats one
            // of this run's (a short run: a camera that only sent heartbeats, say).
            guard seqReused || (seq < UInt64(window) && state.highestSeq > seq + UInt64(window)) else {
                return .tooLate(behindMs: state.newestTs.subtractingSaturating(ts))
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
        } else if seqReused && seq != state.nextSeq && state.held.contains(where: { $0.report.seq == seq }) {
            // Ahead of the expected frame, and a frame held with the same `seq` has another `ts`:
            // two runs' frames under one number, a new run by the contract.
            restart(&state, camera: camera, at: report, releasing: &released)
        } else if seq > state.nextSeq.addingSaturating(UInt64(window)) && ts <= state.releasedTs {
            // Far ahead in `seq` yet older than what was released: a straggler of the run
            // before a reboot.
            return .missedTurn(releasedSeq: state.nextSeq &- 1)
        } else if seq - state.nextSeq > allowedStep(fromTs: state.releasedTs, toTs: ts) {
            // Further ahead than the camera could have shot since: not lost frames, a wild
            // counter. Followed only when the next frame continues it.
            guard let jumpedTo = state.jumpedTo, seq == jumpedTo.seq &+ 1, ts >= jumpedTo.ts else {
                state.jumpedTo = Slot(seq: seq, ts: ts)
                jumps = jumps.addingSaturating(1)
                return .seqJump(expected: state.nextSeq, allowed: allowedStep(fromTs: state.releasedTs, toTs: ts))
            }
            restart(&state, camera: camera, at: report, releasing: &released)
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
            state.newestTs.subtractingSaturating(first.report.ts) >= maxLatenessMs
                || wallNowMs.subtractingSaturating(first.arrivedWallMs) >= maxLatenessMs
                || state.held.count > window
        {
            giveUp(before: first.report.seq, in: &state, camera: camera, releasing: &released)
        }
    }

    /// Gives up the frames of `camera` from the expected one up to `seq` (a held frame's, so
    /// higher), counting them missing, and releases what is then in turn.
    private mutating func giveUp(before seq: UInt64, in state: inout CameraState, camera: Int, releasing released: inout [Released]) {
        // Held frames are above the expected `seq` (each number held once), so this is the gap.
        let gap = seq.subtractingSaturating(state.nextSeq)
        missing = missing.addingSaturating(gap)
        missingByCamera[camera] = missingByCamera[camera].addingSaturating(gap)
        state.nextSeq = seq
        releaseInTurn(&state, camera: camera, releasing: &released)
    }

    /// A new run of the camera starts with `report`: the old run's held frames are released (the
    /// gaps before them will never fill: missing), and the new run expects `seq` 0, so that its
    /// first frames are ordered too; or, when `report` is more than a window past 0 (a run that
    /// starts somewhere else: a renumbered camera, a wild counter), it starts at `report`, whose
    /// `seq` says nothing of frames lost before it.
    private mutating func restart(_ state: inout CameraState, camera: Int, at report: FrameReport, releasing released: inout [Released]) {
        while let first = state.held.first {
            giveUp(before: first.report.seq, in: &state, camera: camera, releasing: &released)
        }
        restarts = restarts.addingSaturating(1)
        state.jumpedTo = nil
        state.nextSeq = report.seq <= UInt64(window) ? 0 : report.seq
        state.firstSeq = state.nextSeq
        state.firstTs = state.nextSeq == 0 ? .min : report.ts
        state.highestSeq = report.seq
        state.newestTs = report.ts
        state.releasedTs = report.ts
    }
}
