/// The timings and gates of the alert engine. Every value has a documented default; the daemon's
/// configuration file (`Config/vigild.yaml`) can override each.
public struct EngineSettings: Sendable, Equatable {
    /// A report whose `ts` lies more than this ahead of the daemon's clock is rejected (`future_ts`). Default 5 s.
    public var maxFutureSkewMs: Int64 = 5_000
    /// The reordering bound. Each camera's frames are processed in `seq` order: a frame after a
    /// gap waits for the missing one until its camera is this far past it in event time (or this
    /// long in wall time), then the gap is given up. A report this far behind its own camera's
    /// newest `ts`, or arriving after its turn was given up, is rejected (`too_late`). In-order
    /// feeds never wait; a lost frame delays its camera's next frames by up to this. Default 2 s.
    public var maxLatenessMs: Int64 = 2_000
    /// A report whose `ts` lies more than this behind the daemon's clock is refused (`bad_value`):
    /// a backlog after a link outage is real data, a capture time months or decades away from any
    /// clock is not. Default a year (a nuisance soak plays a month of event time from the past).
    public var maxBacklogMs: Int64 = 365 * 86_400_000
    /// The most frames a second a camera takes. A forward `seq` step larger than the camera could
    /// have taken in the event time since its last frame (plus `dedupWindow`) is no gap of lost
    /// frames but a wild counter: refused (`seq_jump`), never counted missing. Default 1,000
    /// (thermal cameras take 10 to 30; test and load gateways send faster).
    public var maxFrameRate: Int = 1_000
    /// A camera whose clock runs this far or more ahead of or behind the others' (at most
    /// ``maxFutureSkewMs`` either way) has its `ts` corrected by its offset before its detections
    /// are fused, grouped and timed, so a skewed clock never makes a second target of one person
    /// (``ClockOffsets``); 0 turns the correction off. Default 1 s.
    public var clockCorrectionMinMs: Int64 = 1_000
    /// Frames remembered per camera to recognise a duplicate `(camera, seq)`. Default 1024.
    public var dedupWindow: Int = 1_024
    /// A new camera track joins an existing target of a compatible class if it is this close… Default 60 m.
    public var fusionDistanceM: Double = 60
    /// …and the target was seen this recently (event time). Default 2 s.
    public var fusionTimeMs: Int64 = 2_000
    /// …or, for a detection older than the target's newest (its camera's clock runs behind the
    /// others'), the target was seen at most this much later. Default 5 s (the future skew allowed).
    public var fusionClockSkewMs: Int64 = 5_000
    /// A camera track unseen for this long (event time) is forgotten, and a detection under its
    /// id later starts afresh. As long as the incident timeout by default (30 s), so a camera on a
    /// degraded link that reports every few seconds keeps its track.
    public var trackTimeoutMs: Int64 = 30_000
    /// A target counts as on one side of a border once it is this far from the line; crossing
    /// needs the far side at this distance. Jitter closer to the line never makes a crossing.
    /// Default 30 m; at most 100 m (the contract's bound).
    public var crossingConfirmM: Double = 30
    /// Consecutive frames inside a zone before a target counts as inside (Frigate's `inertia`). Default 3.
    public var zoneInertiaFrames: Int = 3
    /// An incident is resolved once its targets are unseen for this long (event time). Default 30 s.
    public var resolveAfterMs: Int64 = 30_000
    /// Position-only updates of an open incident at most this often (event time). Default 10 s.
    public var positionUpdateIntervalMs: Int64 = 10_000
    /// …and only when the target moved at least this far since the last message. Default 50 m.
    public var positionUpdateMinMoveM: Double = 50
    /// Targets this close to each other that move alike form one incident (a group). Default 25 m.
    public var groupRadiusM: Double = 25
    /// …moving alike: velocities (over the last 3 s) differing by at most this. Default 1 m/s.
    public var groupVelocityToleranceMps: Double = 1
    /// A target too young to have a velocity, this close (``groupRadiusM``) to a live member of an
    /// open incident, waits up to this long (event time since it was first seen) before it
    /// raises an incident of its own: enough to tell whether it is with them; still that close
    /// then, it joins. Default 3 s.
    public var groupFormationMs: Int64 = 3_000
    /// A member farther than this from every other member of its group splits off. Default 100 m.
    public var groupSplitM: Double = 100
    /// When no report at all arrives for this long (wall clock), event time is advanced by the
    /// wall clock, so open incidents still resolve when every feed is silent. Default 5 s.
    public var idleAdvanceAfterMs: Int64 = 5_000

    /// A registered camera that sends nothing at all (not even a heartbeat) for this long, wall
    /// time, is offline (`camera_offline`); one never heard from counts from the engine's start.
    /// Default 30 s.
    public var offlineAfterMs: Int64 = 30_000
    /// Cameras whose silence began within this long of each other are one `camera_offline`
    /// incident that lists them (a gateway or its link died), not one incident each; 0: every
    /// camera its own incident. Default 5 s.
    public var offlineGroupWindowMs: Int64 = 5_000
    /// Coverage gaps shorter than this are not raised (`coverage_gap`). Default 100 m.
    public var coverageGapMinM: Double = 100
    /// Marks every alert as an exercise (`"exercise": true`, CAP status `Exercise`): a daemon fed
    /// by the simulator, or a drill. Default false.
    public var exercise = false

    /// The defaults.
    public init() {}
}
