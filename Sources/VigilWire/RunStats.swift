/// This start of the daemon, and how the one before it ended when that was not an orderly stop:
/// the `daemon` object of `stats`. vigild fills it in from `<state.dir>/vigild.run` (left by a
/// start that did not stop in order) and `<state.dir>/vigild.exit` (left by the supervisor,
/// `scripts/supervise.sh`, with the exit status or signal).
public struct RunStats: Sendable, Equatable {
    /// How a start of the daemon ended other than by an orderly stop.
    public struct AbnormalEnd: Sendable, Equatable {
        /// The process id of that start, when known (its run file could be read, or its
        /// supervisor recorded its end).
        public var pid: Int32?
        /// When it started, epoch ms, if its run file said.
        public var startedMs: Int64?
        /// When it ended, epoch ms, if its supervisor recorded it.
        public var endedMs: Int64?
        /// Its exit status, if it exited (rather than being killed by a signal) and its
        /// supervisor recorded it.
        public var status: Int32?
        /// The signal that ended it (`SIGSEGV`), if its supervisor recorded it.
        public var signal: String?

        /// Creates the record of an abnormal end.
        public init(pid: Int32?, startedMs: Int64? = nil, endedMs: Int64? = nil, status: Int32? = nil, signal: String? = nil) {
            self.pid = pid
            self.startedMs = startedMs
            self.endedMs = endedMs
            self.status = status
            self.signal = signal
        }
    }

    /// This process's id.
    public var pid: Int32
    /// When this start began, epoch ms.
    public var startedMs: Int64
    /// Starts that ended abnormally since the last orderly stop (0 when the last start stopped in
    /// order, or without a state directory).
    public var abnormalEnds: UInt64
    /// The start before this one, when it ended abnormally.
    public var lastAbnormalEnd: AbnormalEnd?

    /// Creates the record of this start.
    public init(pid: Int32, startedMs: Int64, abnormalEnds: UInt64 = 0, lastAbnormalEnd: AbnormalEnd? = nil) {
        self.pid = pid
        self.startedMs = startedMs
        self.abnormalEnds = abnormalEnds
        self.lastAbnormalEnd = lastAbnormalEnd
    }
}
