import VigilCluster
import VigilCore

/// Counters of the ingest stage, published by the ingest thread after every batch.
public struct IngestStats: Sendable, Equatable {
    /// Messages received from the detection socket.
    public var received: UInt64 = 0
    /// Frame reports that passed validation and were handed to processing.
    public var handedOver: UInt64 = 0
    /// Rejections by reason (validation in ingest, and time checks in processing).
    public var rejected: [RejectReason: UInt64] = [:]
    /// Batches handed to processing.
    public var batches: UInt64 = 0
    /// Times the ingest waited 100 ms for room in the processing queue (policy `block`).
    public var stalls: UInt64 = 0
    /// Frame reports dropped because the processing queue was full (policy `drop`).
    public var droppedQueueFull: UInt64 = 0
    /// Batches in the queue to processing now (handed over, not yet processed).
    public var queued: Int = 0
    /// With CURVE: per gateway (its key's name), frame reports let through and refused for a
    /// camera it may not report for.
    public var gateways: [String: GatewayStats] = [:]

    /// Zero counters.
    public init() {}
}

/// One gateway's counters at ingest.
public struct GatewayStats: Sendable, Equatable {
    /// Frame reports that passed validation and its camera rights.
    public var frames: UInt64 = 0
    /// Frame reports refused: a camera its key may not report for.
    public var unauthorizedCamera: UInt64 = 0

    /// Zero counters.
    public init() {}
}

/// A snapshot of every counter of the daemon.
public struct PipelineStats: Sendable, Equatable {
    /// Ingest counters.
    public var ingest: IngestStats
    /// Engine counters (processing stage).
    public var engine: EngineStats
    /// Rejections decided in processing (future_ts, too_late).
    public var processingRejected: [RejectReason: UInt64]
    /// Frame reports processed by the engine (accepted, duplicate or rejected there).
    public var processed: UInt64
    /// Journal and publish counters.
    public var publish: JournalStats
    /// Catch-up counters.
    public var catchup = CatchUpStats()
    /// Alert messages held back by silences.
    public var silenced: UInt64 = 0
    /// Silences in force.
    public var silences: Int = 0
    /// Frames given up as missing (`seq` gaps: dropped at a high-water mark or lost upstream), by
    /// camera id; only cameras with some. They add up to ``EngineStats/framesMissing``.
    public var framesMissingByCamera: [String: UInt64] = [:]
    /// This start of the daemon and how the one before ended, when the daemon knows (vigild).
    public var run: RunStats?
    /// With CURVE, the handshakes let in and refused per endpoint.
    public var handshakes: HandshakeStats?
    /// Per endpoint (`ingest`, `alerts`, `catchup`, `control`), its connections and its limit.
    public var connections: [String: ConnectionStats] = [:]
    /// The standbys copying the journal (their lag counted from ``publish``'s last `seq`); nil
    /// without a replication endpoint.
    public var replication: [ReplicationSource.Standby]?
    /// This node's part in its cluster; nil outside one.
    public var cluster: StatsMessage.Cluster?

    /// Every rejection, by reason.
    public var rejected: [RejectReason: UInt64] {
        ingest.rejected.merging(processingRejected, uniquingKeysWith: +)
    }
}
