#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Whether this node may publish now, as the active node of an election: the fence that keeps
/// an active node whose lease may have expired from publishing beside the one elected after it.
///
/// A keep-alive that succeeded was *sent* at `t` (on `CLOCK_BOOTTIME`); etcd received it no
/// earlier and renewed the lease from then, so the lease cannot expire before `t + TTL`
/// (measured on etcd 3.4: 0.1 to 0.37 s after TTL, never before). The node may publish until
/// `t + TTL − margin`, the **deadline**. BOOTTIME, not the wall clock nor `CLOCK_MONOTONIC`: it
/// goes on counting while the process is stopped (SIGSTOP) and while the machine is suspended,
/// so a node woken past its deadline finds it past at its next check, before anything leaves.
///
/// One atomic load and one `clock_gettime` a check: cheap enough for the journal thread to ask
/// before every send. Thread-safe.
public final class LeaseFence: Sendable {
    /// The deadline, BOOTTIME ns; 0: not active.
    private let deadlineNs = Atomic<UInt64>(0)
    /// The epoch this node is active under; 0: none.
    private let epochValue = Atomic<Int64>(0)
    private let ttlNs: UInt64
    private let marginNs: UInt64

    /// A fence for leases of `ttlSeconds`, stopping `marginMs` before one can expire.
    public init(ttlSeconds: Int64, marginMs: Int64) {
        precondition(ttlSeconds > 0 && marginMs >= 0 && marginMs < ttlSeconds * 1_000, "a margin inside the TTL")
        ttlNs = UInt64(ttlSeconds) * 1_000_000_000
        marginNs = UInt64(marginMs) * 1_000_000
    }

    /// Now on `CLOCK_BOOTTIME`, ns.
    public static func bootTimeNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// The epoch this node is active under, while its deadline has not passed; `nil` otherwise.
    /// Checked immediately before every message that must carry an epoch.
    public func activeEpoch(nowNs: UInt64 = LeaseFence.bootTimeNs()) -> Int64? {
        let epoch = epochValue.load(ordering: .acquiring)
        guard epoch > 0, nowNs < deadlineNs.load(ordering: .acquiring) else { return nil }
        return epoch
    }

    /// Whether this node may publish now.
    public func mayPublish(nowNs: UInt64 = LeaseFence.bootTimeNs()) -> Bool { activeEpoch(nowNs: nowNs) != nil }

    /// The deadline, BOOTTIME ns (0: not active).
    public var deadline: UInt64 { deadlineNs.load(ordering: .acquiring) }

    /// Becomes active under `epoch`, the lease last renewed by a keep-alive sent at `sentNs`.
    func activate(epoch: Int64, renewedBySendAt sentNs: UInt64) {
        deadlineNs.store(sentNs + ttlNs - marginNs, ordering: .releasing)
        epochValue.store(epoch, ordering: .releasing)
    }

    /// A keep-alive sent at `sentNs` succeeded: the deadline moves on (never back).
    func renewed(sentAtNs sentNs: UInt64) {
        guard epochValue.load(ordering: .acquiring) > 0 else { return }
        let next = sentNs + ttlNs - marginNs
        var current = deadlineNs.load(ordering: .acquiring)
        while current != 0 && next > current {
            let (exchanged, original) = deadlineNs.compareExchange(expected: current, desired: next, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
    }

    /// No longer active: nothing more is published under the epoch.
    func close() {
        deadlineNs.store(0, ordering: .releasing)
        epochValue.store(0, ordering: .releasing)
    }
}
