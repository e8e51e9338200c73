import VigilCore

/// What a replay did, for its summary.
public struct ReplaySummary: Sendable, Equatable {
    /// Messages read from the capture.
    public var messages: UInt64 = 0
    /// Messages passed over: the configuration does not subscribe to their topic.
    public var notSubscribed: UInt64 = 0
    /// Frame reports the engine took.
    public var accepted: UInt64 = 0
    /// Frame reports dropped as duplicates.
    public var duplicates: UInt64 = 0
    /// Rejections by reason: validation (as ingest) and the engine's (`future_ts`, `too_late`).
    public var rejected: [RejectReason: UInt64] = [:]
    /// Alert messages, by state.
    public var raised: UInt64 = 0, updated: UInt64 = 0, resolved: UInt64 = 0
    /// The engine's messages the silences held back (not handed over, not numbered).
    public var silenced: UInt64 = 0
    /// Batches handed to the engine, each followed by an expiry.
    public var batches: UInt64 = 0
    /// Expiry timer ticks simulated.
    public var expiryTicks: UInt64 = 0
    /// Expiry timer ticks not run one by one: those due more than ``Replayer/maxSimulatedGapMs``
    /// into a gap of recorded time without messages (run as one, the last of them).
    public var expiryTicksSkipped: UInt64 = 0
    /// `recv_ms` of the first and last message received (subscribed).
    public var firstReceivedMs: Int64?, lastReceivedMs: Int64?
    /// The incidents still open, each as its latest message, in the order they were raised.
    public var openIncidents: [AlertMessage] = []

    /// Zero counters.
    public init() {}

    /// Alert messages of every state.
    public var alerts: UInt64 { raised + updated + resolved }
}
