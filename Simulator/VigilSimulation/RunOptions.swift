/// How a run is paced, and what it mixes in.
public struct RunOptions: Sendable, Equatable {
    /// How frames are paced.
    public enum Pace: Sendable, Equatable {
        /// Scenario time is wall time; `ts` is now.
        case realTime
        /// Scenario time runs this many times faster than wall time (at least 1).
        case accelerated(Double)
        /// Frames in event-time order as fast as `rate` messages a second allows (0: no limit),
        /// the scenario looping, until `duration` seconds or `count` messages, whichever first.
        case load(rate: Double, duration: Double?, count: Int?)
    }

    /// How frames are paced. Default real time.
    public var pace: Pace
    /// After every this many normal frames, one hostile message (0: none). Default 0.
    public var hostileEvery: Int
    /// Milliseconds to wait after connecting, before the first frame, so that the subscriber's
    /// subscription has reached the PUB socket (PUB/SUB drops what it sends before). Default 500.
    public var warmupMs: Int

    /// Creates options.
    /// Seconds of scenario time between the heartbeats (empty frame reports) that every
    /// registered camera outside the scenario's `cameras` sends, as the rest of a deployed border
    /// does; 0 sends none. Not in load runs.
    public var idleHeartbeatS: Double = 0

    public init(pace: Pace = .realTime, hostileEvery: Int = 0, warmupMs: Int = 500, idleHeartbeatS: Double = 0) {
        self.idleHeartbeatS = idleHeartbeatS
        self.pace = pace
        self.hostileEvery = hostileEvery
        self.warmupMs = warmupMs
    }
}
