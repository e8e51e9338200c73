/// Per-camera admission of frame reports: lateness against the camera's own progress in event
/// time, and duplicate frames `(camera, seq)`.
///
/// A duplicate is the same `seq` with the same `ts` (a retry, or a second network path); the
/// last `window` frames of each camera are remembered in a ring indexed by `seq`. After a reboot
/// `seq` starts again: a known `seq` with a different `ts` is a new frame, not a duplicate, so a
/// reboot is never taken for a flood of duplicates. A reboot that also sets the camera's clock
/// back (`seq` starting again below `window` with a `ts` too late for the camera's progress) is a
/// restart: the camera's progress starts again from there. Memory: `window` × 16 bytes per camera.
public struct FrameGate: Sendable {
    /// What the gate decided.
    public enum Verdict: Sendable, Equatable {
        /// A new frame.
        case accept
        /// A frame already seen.
        case duplicate
        /// Older than its camera's progress allows.
        case tooLate
    }

    private struct Slot {
        var seq: UInt64
        var ts: Int64
    }

    private struct CameraState {
        var newestTs: Int64
        var highestSeq: UInt64
        var slots: [Slot]
    }

    private var cameras: [CameraState?]
    private let window: Int
    /// Cameras taken as restarted with their clock set back (see ``admit(camera:seq:ts:)``).
    public private(set) var restarts: UInt64 = 0
    private let maxLatenessMs: Int64

    /// Creates a gate for `cameraCount` cameras.
    public init(cameraCount: Int, window: Int, maxLatenessMs: Int64) {
        cameras = Array(repeating: nil, count: cameraCount)
        self.window = max(window, 1)
        self.maxLatenessMs = maxLatenessMs
    }

    /// Decides on frame `seq` at `ts` of camera `camera`, and remembers it when accepted.
    public mutating func admit(camera: Int, seq: UInt64, ts: Int64) -> Verdict {
        let slotIndex = Int(seq % UInt64(window))
        guard var state = cameras[camera] else {
            var slots = Array(repeating: Slot(seq: .max, ts: .min), count: window)
            slots[slotIndex] = Slot(seq: seq, ts: ts)
            cameras[camera] = CameraState(newestTs: ts, highestSeq: seq, slots: slots)
            return .accept
        }
        let slot = state.slots[slotIndex]
        if slot.seq == seq && slot.ts == ts { return .duplicate }
        var restarted = false
        if ts < state.newestTs - maxLatenessMs {
            // Too late, unless the camera restarted with its clock set back: `seq` starts again
            // near 0 (below the window) after higher numbers. Then its progress starts again here.
            guard seq < UInt64(window), seq < state.highestSeq else { return .tooLate }
            restarted = true
        }
        cameras[camera] = nil  // keep the slots uniquely referenced while mutating
        state.slots[slotIndex] = Slot(seq: seq, ts: ts)
        if restarted {
            state.newestTs = ts
            state.highestSeq = seq
            restarts += 1
        } else {
            state.newestTs = max(state.newestTs, ts)
            state.highestSeq = max(state.highestSeq, seq)
        }
        cameras[camera] = state
        return .accept
    }

    /// The newest event time seen from `camera`, if any.
    public func newestTs(camera: Int) -> Int64? { cameras[camera]?.newestTs }
}
