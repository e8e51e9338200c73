import VigilCluster
import VigilWire

/// What the daemon needs to know when it runs as the active node of a cluster
/// (docs/failover.md): the epoch it publishes under, the fence that says until when it may, and
/// whom to tell when it may no longer.
public struct ClusterRole: Sendable {
    /// This node's name, in heartbeats and to standbys.
    public var node: String
    /// The epoch of the election this node won: written in every alert it numbers and every
    /// heartbeat it sends.
    public var epoch: Int64
    /// The last `seq` this epoch inherited (the journal's, when the node won).
    public var epochBase: UInt64
    /// Checked immediately before every send: past its deadline nothing more leaves the node.
    public var fence: LeaseFence
    /// Called once, on the journal's thread, when a send was refused because the fence is
    /// closed: the node must stop being active. It must not block.
    public var fenced: @Sendable () -> Void
    /// Told the synchronous standbys each time the set changes (on the thread that changed
    /// it; it must not block).
    public var syncSetChanged: @Sendable ([String]) -> Void
    /// The node's cluster status, for `stats` and `/metrics`.
    public var status: @Sendable () -> StatsMessage.Cluster

    /// The role of the active node `node` of `epoch`.
    public init(
        node: String, epoch: Int64, epochBase: UInt64, fence: LeaseFence, fenced: @escaping @Sendable () -> Void,
        syncSetChanged: @escaping @Sendable ([String]) -> Void, status: @escaping @Sendable () -> StatsMessage.Cluster
    ) {
        self.status = status
        self.node = node
        self.epoch = epoch
        self.epochBase = epochBase
        self.fence = fence
        self.fenced = fenced
        self.syncSetChanged = syncSetChanged
    }

    /// Whether this node may publish now under its epoch.
    public func mayPublish() -> Bool { fence.activeEpoch() == epoch }
}
