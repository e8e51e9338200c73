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
        /// How often a standby looks whether the leader key is still there, ms: what a takeover
        /// waits at most, after the lease expired, before the standby campaigns.
        public var standbyPollMs: Int64 = 100
        /// A key that decides who may campaign (`<prefix>/<cluster>/sync`): its value is given to
        /// the candidacy, and the campaign succeeds only if it has not changed since it was read.
        public var guardKey: String?

        public init(
            key: String, node: String, leaseTTLSeconds: Int64 = 3, keepAliveIntervalMs: Int64 = 500, demoteMarginMs: Int64 = 500,
            standbyPollMs: Int64 = 100, guardKey: String? = nil
        ) {
            self.key = key
            self.node = node
            self.leaseTTLSeconds = leaseTTLSeconds
            self.keepAliveIntervalMs = keepAliveIntervalMs
            self.demoteMarginMs = demoteMarginMs
            self.standbyPollMs = standbyPollMs
            self.guardKey = guardKey
        }
    }

    /// What a candidate campaigns with: the leader key's value, given the guard key as it is
    /// (`nil`: absent); `nil` when this node may not campaign now.
    public typealias Candidacy = @Sendable (_ guard: EtcdKeyValue?) -> [UInt8]?

    /// The active node as a standby last saw it: the leader key's value and its epoch.
    public struct Leader: Sendable, Equatable {
        public var value: [UInt8]
        public var epoch: Int64
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
    private let candidacy: Candidacy
    private let state = Mutex(Inner())
    /// The role changes, in order.
    public let events: AsyncStream<Event>
    private let emit: AsyncStream<Event>.Continuation

    private struct Inner {
        var lease: Int64?
        var epoch: Int64?
        var resigning = false
        var leader: Leader?
        /// When the last keep-alive that succeeded was sent (BOOTTIME ns).
        var renewedNs: UInt64 = 0
    }

    /// A node of the election `settings` describes, on the etcd cluster `etcd`. `candidacy`
    /// says what it campaigns with (by default its name, whenever no node is active).
    public init(settings: Settings, etcd: EtcdClient, candidacy: Candidacy? = nil) {
        self.settings = settings
        self.etcd = etcd
        let name = Array(settings.node.utf8)
        self.candidacy = candidacy ?? { _ in name }
        fence = LeaseFence(ttlSeconds: settings.leaseTTLSeconds, marginMs: settings.demoteMarginMs)
        (events, emit) = AsyncStream.makeStream(of: Event.self)
    }

    /// The role now: active only while the fence lets it publish.
    public var role: Role { fence.activeEpoch().map { .active(epoch: $0) } ?? .standby }

    /// The active node as this node last saw it (`nil`: none, or this node is active).
    public var leader: Leader? { state.withLock { $0.leader } }

    /// This node's epoch while it holds the leader key (the fence says whether it may still publish).
    public var epoch: Int64? { state.withLock { $0.epoch } }

    /// Takes part until the task is cancelled (or ``resign()`` is called); then revokes the
    /// lease, so that another node can win at once rather than a TTL later.
    public func run() async {
        let key = Array(settings.key.utf8)
        let interval = UInt64(settings.keepAliveIntervalMs) * 1_000_000
        let poll = UInt64(min(settings.standbyPollMs, settings.keepAliveIntervalMs)) * 1_000_000
        var lastKeepAlive: UInt64?
        while !Task.isCancelled && !state.withLock({ $0.resigning }) {
            let sent = LeaseFence.bootTimeNs()
            if lastKeepAlive.map({ sent - $0 >= interval }) ?? true {
                lastKeepAlive = sent
                await keepAlive(sentNs: sent)
            }
            if state.withLock({ $0.lease != nil }) { await look(key: key, sentNs: sent) }
            // The active node wakes once a keep-alive interval; a standby every poll, to see
            // the leader key go soon after it does.
            let next = state.withLock { $0.epoch } == nil ? poll : interval
            let elapsed = LeaseFence.bootTimeNs() - sent
            if elapsed < next { try? await Task.sleep(for: .nanoseconds(Int64(next - elapsed))) }
        }
        await leave()
    }

    /// Stops being active (if it was) and leaves the election: the leader key goes with the
    /// lease, so a standby takes over at once.
    public func resign() async {
        state.withLock { $0.resigning = true }
        await leave()
    }

    /// Keeps the lease alive (or takes one); as the active node, checks the deadline when etcd
    /// does not answer.
    private func keepAlive(sentNs: UInt64) async {
        guard let lease = await currentLease() else {
            await demoteIfPast(deadlineAt: sentNs)
            return
        }
        do {
            guard try await etcd.keepAlive(lease: lease) != nil else {
                state.withLock { if $0.lease == lease { $0.lease = nil } }
                await demote(.leaseGone)
                return
            }
            state.withLock { $0.renewedNs = max($0.renewedNs, sentNs) }
            fence.renewed(sentAtNs: sentNs)
        } catch {
            await demoteIfPast(deadlineAt: LeaseFence.bootTimeNs())
        }
    }

    /// As the active node: is the leader key still the one it created? As a standby: who is
    /// active, and campaigns when no node is and the candidacy allows.
    private func look(key: [UInt8], sentNs: UInt64) async {
        if let epoch = state.withLock({ $0.epoch }) {
            // (A key deleted and made again by another node is a new key with a later creation revision.)
            if let (holder, _) = try? await etcd.get(key), holder?.createRevision != epoch {
                await demote(.leaderChanged)
            }
            return
        }
        guard let (holder, _) = try? await etcd.get(key) else { return }
        if let holder {
            state.withLock { $0.leader = Leader(value: holder.value, epoch: holder.createRevision) }
            return
        }
        state.withLock { $0.leader = nil }
        guard let lease = state.withLock({ $0.lease }) else { return }
        let outcome: Result<Int64, EtcdClient.Existing>?
        if let guardKey = settings.guardKey.map({ Array($0.utf8) }) {
            guard let (guarding, _) = try? await etcd.get(guardKey), let value = candidacy(guarding) else { return }
            outcome = try? await etcd.createIfAbsent(key, value: value, lease: lease, unlessChanged: guardKey, modRevision: guarding?.modRevision ?? 0)
        } else {
            guard let value = candidacy(nil) else { return }
            outcome = try? await etcd.createIfAbsent(key, value: value, lease: lease)
        }
        switch outcome {
        case .success(let epoch):
            // The deadline counts from the last renewal: the campaign itself does not renew the lease.
            let renewed = state.withLock { inner -> UInt64 in
                inner.epoch = epoch
                return inner.renewedNs
            }
            fence.activate(epoch: epoch, renewedBySendAt: renewed)
            emit.yield(.promoted(epoch: epoch))
        case .failure(let existing):
            if let holder = existing.keyValue { state.withLock { $0.leader = Leader(value: holder.value, epoch: holder.createRevision) } }
        case nil:
            return
        }
    }

    /// Writes `value` at `key` while this node is the active one of its epoch (a txn guarded by
    /// the leader key's creation revision). Returns whether it was written.
    public func putAsActive(_ key: String, value: [UInt8]) async throws -> Bool {
        guard let epoch = state.withLock({ $0.epoch }) else { return false }
        return try await etcd.put(Array(key.utf8), value: value, ifLeader: Array(settings.key.utf8), epoch: epoch)
    }

    /// Reads `key` (`nil`: absent).
    public func read(_ key: String) async throws -> EtcdKeyValue? {
        try await etcd.get(Array(key.utf8)).keyValue
    }

    /// The lease, granted now if there is none.
    private func currentLease() async -> Int64? {
        if let lease = state.withLock({ $0.lease }) { return lease }
        let sent = LeaseFence.bootTimeNs()
        guard let granted = try? await etcd.grantLease(ttlSeconds: settings.leaseTTLSeconds) else { return nil }
        state.withLock {
            $0.lease = granted.id
            $0.renewedNs = sent
        }
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
