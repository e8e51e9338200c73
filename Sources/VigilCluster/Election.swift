import Synchronization

/// One node's part in the election of the cluster's active node, on etcd.
///
/// The node holds a lease for as long as it runs (granted at start, kept alive every
/// `keepAliveIntervalMs`). While no node is active, it campaigns: one transaction that creates the
/// leader key, attached to its lease, only if the key does not exist; at most one node's succeeds.
/// The winner's **epoch** is the revision of that write, which is the leader key's creation
/// revision: etcd's revision is one counter for the whole store, raised by every write and never
/// reused, and a campaign can only succeed after the previous leader key was deleted (its lease
/// expired or was revoked, itself a write), so every epoch is greater than every one before it.
///
/// The active node stays active while its keep-alives succeed; its ``LeaseFence`` lets it publish
/// only until it can be sure its lease (and so its leader key) still exists. It demotes when the
/// fence's deadline passes without a renewal (etcd unreachable, or without a quorum), when etcd
/// says its lease is gone, or when the leader key is no longer the one it created. A demoted node
/// takes a new lease and is a standby again.
///
/// docs/failover.md has the design this is the first part of, and the etcd facts it rests on.
public final class Election: Sendable {
    /// Settings of one node's election.
    public struct Settings: Sendable {
        /// The leader key (`<prefix>/<cluster>/leader`).
        public var key: String
        /// This node's name, the leader key's value while it is active.
        public var node: String
        /// The lease's TTL, seconds (etcd's minimum is 2).
        public var leaseTTLSeconds: Int64 = 3
        /// How often the lease is kept alive, ms.
        public var keepAliveIntervalMs: Int64 = 500
        /// How long before its lease can expire the active node stops publishing, ms.
        public var demoteMarginMs: Int64 = 500

        public init(key: String, node: String, leaseTTLSeconds: Int64 = 3, keepAliveIntervalMs: Int64 = 500, demoteMarginMs: Int64 = 500) {
            self.key = key
            self.node = node
            self.leaseTTLSeconds = leaseTTLSeconds
            self.keepAliveIntervalMs = keepAliveIntervalMs
            self.demoteMarginMs = demoteMarginMs
        }
    }

    /// What this node is now.
    public enum Role: Equatable, Sendable {
        case standby
        case active(epoch: Int64)
    }

    /// Why an active node stopped being one.
    public enum DemotionCause: String, Sendable {
        /// No keep-alive succeeded in time: the lease may expire (etcd down, cut off, or without quorum).
        case leaseDeadline = "lease_deadline"
        /// etcd answered that the lease is gone.
        case leaseGone = "lease_gone"
        /// The leader key is another node's (or another election's of this node).
        case leaderChanged = "leader_changed"
        /// The node resigned (``resign()``).
        case resigned
    }

    /// A change of role.
    public enum Event: Equatable, Sendable {
        case promoted(epoch: Int64)
        case demoted(epoch: Int64, cause: DemotionCause)
    }

    public let settings: Settings
    /// Whether this node may publish now, and under which epoch.
    public let fence: LeaseFence
    private let etcd: EtcdClient
    private let state = Mutex(Inner())
    /// The role changes, in order.
    public let events: AsyncStream<Event>
    private let emit: AsyncStream<Event>.Continuation

    private struct Inner {
        var lease: Int64?
        var epoch: Int64?
        var resigning = false
    }

    /// A node of the election `settings` describes, on the etcd cluster `etcd`.
    public init(settings: Settings, etcd: EtcdClient) {
        self.settings = settings
        self.etcd = etcd
        fence = LeaseFence(ttlSeconds: settings.leaseTTLSeconds, marginMs: settings.demoteMarginMs)
        (events, emit) = AsyncStream.makeStream(of: Event.self)
    }

    /// The role now: active only while the fence lets it publish.
    public var role: Role { fence.activeEpoch().map { .active(epoch: $0) } ?? .standby }

    /// Takes part until the task is cancelled (or ``resign()`` is called); then revokes the
    /// lease, so that another node can win at once rather than a TTL later.
    public func run() async {
        let key = Array(settings.key.utf8), value = Array(settings.node.utf8)
        let interval = Duration.milliseconds(settings.keepAliveIntervalMs)
        while !Task.isCancelled && !state.withLock({ $0.resigning }) {
            let sent = LeaseFence.bootTimeNs()
            await step(key: key, value: value, sentNs: sent)
            let elapsed = Duration.nanoseconds(Int64(LeaseFence.bootTimeNs() - sent))
            if elapsed < interval { try? await Task.sleep(for: interval - elapsed) }
        }
        await leave()
    }

    /// Stops being active (if it was) and leaves the election: the leader key goes with the
    /// lease, so a standby takes over at once.
    public func resign() async {
        state.withLock { $0.resigning = true }
        await leave()
    }

    /// One round: keep the lease alive (or take one), then, as the active node, check the
    /// deadline; as a standby, campaign when no node is active.
    private func step(key: [UInt8], value: [UInt8], sentNs: UInt64) async {
        guard let lease = await currentLease() else {
            await demoteIfPast(deadlineAt: sentNs)
            return
        }
        do {
            guard try await etcd.keepAlive(lease: lease) != nil else {
                await demote(.leaseGone)
                return
            }
            fence.renewed(sentAtNs: sentNs)
        } catch {
            await demoteIfPast(deadlineAt: LeaseFence.bootTimeNs())
            return
        }
        if let epoch = state.withLock({ $0.epoch }) {
            // Still the leader key this node created? (A key deleted and made again by another
            // node is a new key with a later creation revision.)
            if let (holder, _) = try? await etcd.get(key), holder?.createRevision != epoch {
                await demote(.leaderChanged)
            }
            return
        }
        guard case .success(let epoch) = try? await etcd.createIfAbsent(key, value: value, lease: lease) else { return }
        state.withLock { $0.epoch = epoch }
        fence.activate(epoch: epoch, renewedBySendAt: sentNs)
        emit.yield(.promoted(epoch: epoch))
    }

    /// The lease, granted now if there is none.
    private func currentLease() async -> Int64? {
        if let lease = state.withLock({ $0.lease }) { return lease }
        guard let granted = try? await etcd.grantLease(ttlSeconds: settings.leaseTTLSeconds) else { return nil }
        state.withLock { $0.lease = granted.id }
        return granted.id
    }

    private func demoteIfPast(deadlineAt nowNs: UInt64) async {
        guard state.withLock({ $0.epoch }) != nil, !fence.mayPublish(nowNs: nowNs) else { return }
        await demote(.leaseDeadline)
    }

    /// Stops being active, and lets go of the lease: the leader key this node made is attached to
    /// it, and a lease kept alive by a demoted node would keep that key, and every other node
    /// out, for ever. Revoked when etcd answers (else it expires a TTL after its last renewal);
    /// the next round takes a new one.
    private func demote(_ cause: DemotionCause) async {
        guard let (epoch, lease) = state.withLock({ inner -> (Int64, Int64?)? in
            guard let epoch = inner.epoch else { return nil }
            defer { (inner.epoch, inner.lease) = (nil, nil) }
            return (epoch, inner.lease)
        }) else { return }
        fence.close()
        emit.yield(.demoted(epoch: epoch, cause: cause))
        if let lease { try? await etcd.revoke(lease: lease) }
    }

    private func leave() async {
        await demote(.resigned)
        guard let lease = state.withLock({ inner -> Int64? in
            defer { inner.lease = nil }
            return inner.lease
        }) else { return }
        try? await etcd.revoke(lease: lease)
    }
}
