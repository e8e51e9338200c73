/// Counters of the alert engine, for `vigil stats` and the logs.
public struct EngineStats: Sendable, Equatable {
    /// Frame reports accepted.
    public var framesAccepted: UInt64 = 0
    /// Frame reports dropped as duplicates of `(camera, seq)`.
    public var framesDuplicate: UInt64 = 0
    /// Camera reboots recognised (seq starting again).
    public var cameraRestarts: UInt64 = 0
    /// Frames that arrived early (a gap before them) and were processed once in turn.
    public var framesReordered: UInt64 = 0
    /// Frames never received: seq numbers given up after waiting the lateness bound.
    public var framesMissing: UInt64 = 0
    /// Frames held now, waiting for an earlier one.
    public var framesHeld: Int = 0
    /// Detections processed.
    public var detections: UInt64 = 0
    /// Detections dropped because they lie in a mask zone.
    public var detectionsMasked: UInt64 = 0
    /// Detections whose `class` was outside the contract's list (taken as unknown).
    public var detectionsUnknownClass: UInt64 = 0
    /// Targets created.
    public var targetsCreated: UInt64 = 0
    /// Camera tracks joined to an existing target (overlapping cameras, re-acquired tracks).
    public var tracksFused: UInt64 = 0
    /// Targets alive now.
    public var targetsActive: Int = 0
    /// Camera tracks alive now.
    public var tracksActive: Int = 0
    /// Incidents open now.
    public var incidentsOpen: Int = 0
    /// Alert messages produced, by state.
    public var raised: UInt64 = 0, updated: UInt64 = 0, resolved: UInt64 = 0
    /// Targets that joined another target's incident (a group, raised together or joined later).
    public var groupJoins: UInt64 = 0
    /// Targets that split off their group's incident.
    public var groupSplits: UInt64 = 0
    /// Targets whose alert was suppressed by a rule at least once.
    public var suppressed: UInt64 = 0
    /// Cameras that went offline (silent for the offline timeout), and that came back.
    public var camerasOffline: UInt64 = 0, camerasReturned: UInt64 = 0
    /// Cameras offline now.
    public var camerasOfflineNow: Int = 0
    /// Camera health incidents (offline cameras, coverage gaps) open now.
    public var healthIncidentsOpen: Int = 0
    /// Targets for which an inhibition removed a matching alert rule at least once.
    public var inhibited: UInt64 = 0

    /// Zero counters.
    public init() {}
}
