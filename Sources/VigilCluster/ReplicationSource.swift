import Foundation
import Logging
import Synchronization
import VigilJournal
import ZeroMQ

/// The active node's side of journal replication (docs/failover.md, section 6): a ROUTER that
/// standbys (``ReplicationFollower``) ask to follow; it sends each the journal's backlog after
/// where the standby stands, then every transaction the journal stores, as stored; and it tells
/// the journal's writer when its synchronous standbys hold a commit, so that nothing is
/// published that a successor could lack.
///
/// **Synchronous standbys.** A standby joins the sync set when it has acknowledged everything
/// pushed so far. ``awaitSync(seq:timeoutMs:)``, called by the writer between a commit and its
/// publication, waits until every member of the set has acknowledged that `seq`; one that has
/// not by the timeout leaves the set (logged), and joins it again once it has caught up. With
/// no standby the call returns at once: a single node publishes as it always did.
///
/// Threads: the socket and the backlog reader belong to the source's own thread. The writer
/// hands over commits through ``committed(alerts:stateRows:)`` (a queue under a lock, and a
/// pipe that wakes the thread's poll); acknowledgements come back under the same lock, with
/// a condition the writer waits on.
public final class ReplicationSource: @unchecked Sendable {
    /// How often an idle source tells its standbys where the journal stands.
    public static let beatIntervalMs = 100
    /// Alerts in one backlog message at most.
    public static let backlogPage = 1_000

    /// What the source knows of one standby.
    public struct Standby: Sendable, Equatable {
        /// Its name, as it gave it.
        public var node: String
        /// What it acknowledged last.
        public var acked: ReplicationMessage.Position
        /// Whether the writer waits for it before publishing.
        public var sync: Bool
        /// Whether it has the backlog and gets every commit as it is stored.
        public var live: Bool
        /// When it was last heard from (monotonic ns).
        public var heardNs: UInt64
    }

    private let socket: ZMQSocket
    private let journalPath: String
    private let node: String
    private let logger: Logger
    /// A pipe the writer writes a byte to, to wake the thread's poll: (read end, write end).
    private let wakePipe: (read: Int32, write: Int32)
    private let thread = ServiceThread(name: "vigil.replication")
    /// Under `condition`: the commits to push, the standbys (by ROUTER identity), the newest
    /// position pushed.
    private let condition = NSCondition()
    private var pending: [ReplicationMessage.Rows] = []
    private var standbys: [[UInt8]: Standby] = [:]
    private var pushed = ReplicationMessage.Position(seq: 0, turn: 0)
    /// Told the sync set's members (by name) each time it changes; set before ``start(position:)``.
    private let syncObserver = Mutex<(@Sendable ([String]) -> Void)?>(nil)

    /// Binds the ROUTER on `endpoints`; the journal at `journalPath` (which the writer has
    /// opened) is read for backlogs with a connection of the source's own; `secure` adds the
    /// daemon's security to the socket (CURVE and its ZAP domain, the connection monitor). Throws
    /// naming the endpoint that could not be bound.
    public init(
        context: ZMQContext, bind endpoints: [String], journalPath: String, node: String, logger: Logger, secure: (inout SocketPlan) -> Void = { _ in }
    ) throws(SocketSetupError) {
        var plan = SocketPlan(.router)
        plan.routerMandatory = true
        plan.maxMessageBytes = 16 << 20
        plan.sendHighWaterMark = 100_000
        plan.lingerMs = 0
        plan.bind = endpoints
        secure(&plan)
        socket = try context.open(plan)
        self.journalPath = journalPath
        self.node = node
        self.logger = logger
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        }
        wakePipe = (ends[0], ends[1])
    }

    deinit {
        close(wakePipe.read)
        close(wakePipe.write)
    }

    /// Calls `observer` with the sync set's members each time the set changes, on the thread
    /// that changed it and outside the source's lock. A cluster writes them to etcd, so that only
    /// a node that holds every published alert may be elected; when a member left, its observer
    /// waits until etcd has the smaller set (the writer's thread, then, publishes only after).
    public func observeSyncSet(_ observer: @escaping @Sendable ([String]) -> Void) {
        syncObserver.withLock { $0 = observer }
    }

    /// The sync set's members now, by name (under `condition`).
    private var syncMembers: [String] { standbys.values.filter(\.sync).map(\.node).sorted() }

    private func syncSetChanged(_ members: [String]) {
        syncObserver.withLock { $0 }?(members)
    }

    /// Starts the source's thread.
    public func start(position: ReplicationMessage.Position) {
        condition.withLock { pushed = position }
        thread.start { [self] in run() }
    }

    /// Stops the thread (or closes the socket of a source never started); whether it stopped by
    /// `deadline`. Anyone waiting in ``awaitSync(seq:timeoutMs:)`` is released.
    public func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) {
            socket.close()
        } stopping: {
            wake()
            condition.withLock { condition.broadcast() }
        }
    }

    /// Hands over one transaction the journal has just stored (alerts with their patch, a patch
    /// alone, or a whole state): it goes to every live standby, in the order of the calls.
    public func committed(alerts: [JournalRecord], stateRows: [StateLogRow]) {
        guard !alerts.isEmpty || !stateRows.isEmpty else { return }
        condition.withLock {
            pending.append(ReplicationMessage.Rows(alerts: alerts, stateRows: stateRows))
            if let last = alerts.last { pushed.seq = max(pushed.seq, last.seq) }
            pushed.turn = max(pushed.turn, stateRows.map(\.turn).max() ?? 0)
        }
        wake()
    }

    /// Waits until every synchronous standby holds `seq` (or there is none), at most `timeoutMs`;
    /// the standbys that did not make it leave the sync set. Returns their names.
    @discardableResult
    public func awaitSync(seq: UInt64, timeoutMs: Int) -> [String] {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1_000)
        condition.lock()
        while true {
            let behind = standbys.filter { $0.value.sync && $0.value.acked.seq < seq }
            if behind.isEmpty || thread.isStopping {
                condition.unlock()
                return []
            }
            if !condition.wait(until: deadline) {
                var dropped: [String] = []
                for (identity, standby) in standbys where standby.sync && standby.acked.seq < seq {
                    standbys[identity]?.sync = false
                    dropped.append(standby.node)
                }
                logger.warning(
                    "standby left the sync set: it did not acknowledge in time; alerts are published without it until it catches up",
                    metadata: ["standbys": "\(dropped.sorted().joined(separator: ","))", "seq": "\(seq)", "sync_timeout_ms": "\(timeoutMs)"])
                let members = syncMembers
                condition.unlock()
                // Outside the lock: a cluster's observer waits until etcd knows the smaller set
                // before the commit is published (README, "A cluster").
                syncSetChanged(members)
                return dropped
            }
        }
    }

    /// The standbys as the source knows them, by name.
    public func status() -> [Standby] {
        condition.withLock { standbys.values.sorted { $0.node < $1.node } }
    }

    private func wake() {
        // A full pipe (the thread has 64 KiB of wake-ups to read) is awake enough.
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
    }

    private func run() {
        defer { socket.close() }
        var reader: JournalReader?
        var lastBeatNs: UInt64 = 0
        while !thread.isStopping {
            let ready: (message: Bool, descriptor: Bool)
            do { ready = try socket.waitForInput(timeoutMs: Self.beatIntervalMs, orReadable: wakePipe.read) } catch {
                logger.error("replication socket failed", metadata: ["error": "\(error)"])
                return
            }
            if ready.descriptor {
                var bytes = [UInt8](repeating: 0, count: 256)
                while read(wakePipe.read, &bytes, bytes.count) > 0 {}
            }
            // Commits first: a standby that asks next gets the backlog read after them, so that
            // what it gets twice it drops, and it never misses one.
            let (commits, live) = condition.withLock { () -> ([ReplicationMessage.Rows], [[UInt8]]) in
                defer { pending = [] }
                return (pending, standbys.filter(\.value.live).map(\.key))
            }
            for commit in commits {
                let frames = ReplicationMessage.rows(commit).frames()
                for identity in live { send(frames, to: identity) }
            }
            while let (identity, frames) = try? receive() {
                handle(frames, from: identity, reader: &reader)
            }
            let nowNs = DispatchTime.now().uptimeNanoseconds
            if nowNs - lastBeatNs >= UInt64(Self.beatIntervalMs) * 1_000_000 {
                lastBeatNs = nowNs
                let (position, live) = condition.withLock { (pushed, standbys.filter(\.value.live).map(\.key)) }
                let frames = ReplicationMessage.beat(position).frames()
                for identity in live { send(frames, to: identity) }
                forgetSilent(nowNs: nowNs)
            }
        }
    }

    private func receive() throws -> ([UInt8], [[UInt8]])? {
        guard let message = try socket.receiveMessage(dontWait: true), message.count >= 2 else { return nil }
        return (message[0], Array(message[1...]))
    }

    private func handle(_ frames: [[UInt8]], from identity: [UInt8], reader: inout JournalReader?) {
        let message: ReplicationMessage
        do { message = try ReplicationMessage.decode(frames) } catch {
            logger.warning("replication message refused", metadata: ["error": "\(error)"])
            return
        }
        let nowNs = DispatchTime.now().uptimeNanoseconds
        switch message {
        case .ack(let position):
            let joined = condition.withLock { () -> [String]? in
                guard var standby = standbys[identity] else { return nil }
                standby.acked = position
                standby.heardNs = nowNs
                var joined = false
                if standby.live && !standby.sync && position.seq >= pushed.seq && position.turn >= pushed.turn {
                    standby.sync = true
                    joined = true
                    logger.notice("standby joined the sync set", metadata: ["standby": "\(standby.node)", "seq": "\(position.seq)"])
                }
                standbys[identity] = standby
                condition.broadcast()
                return joined ? syncMembers : nil
            }
            if let joined { syncSetChanged(joined) }
        case .follow(let follow):
            serve(follow, to: identity, reader: &reader, nowNs: nowNs)
        case .rows, .beat, .refused:
            logger.warning("replication message not for the active node", metadata: ["command": "\(String(decoding: frames[0], as: UTF8.self))"])
        }
    }

    /// Sends a standby the backlog after where it stands (one page; it asks again for more), or
    /// refuses it; once it has everything, it is live.
    private func serve(_ follow: ReplicationMessage.Follow, to identity: [UInt8], reader: inout JournalReader?, nowNs: UInt64) {
        do {
            if reader == nil { reader = try JournalReader(path: journalPath) }
            guard let reader else { return }
            // The state rows first, then the alerts: the alerts read second reach at least as far
            // as anything the rows know.
            let rows = try reader.stateRows(after: follow.after.turn)
            let page = try reader.page(after: follow.after.seq, limit: Self.backlogPage)
            if follow.after.seq > page.latestSeq {
                return refuse(identity, follow, "its journal is ahead of the active's (seq \(follow.after.seq) > \(page.latestSeq)): it holds alerts this node never journaled")
            }
            if let newest = follow.newest, newest.seq >= page.oldestSeq, page.oldestSeq > 0 {
                let mine = try reader.page(after: newest.seq - 1, limit: 1).records.first
                if let mine, mine != newest {
                    return refuse(identity, follow, "its journal differs from the active's at seq \(newest.seq)")
                }
            }
            let restart = page.oldestSeq > follow.after.seq + 1
            if restart && follow.newest != nil {
                return refuse(identity, follow, "the active no longer holds seq \(follow.after.seq + 1) to \(page.oldestSeq - 1) (retention): move the standby's journal away and start it again")
            }
            let more = page.more
            let message = ReplicationMessage.Rows(alerts: page.records, stateRows: more ? [] : rows, restart: restart, more: more)
            send(ReplicationMessage.rows(message).frames(), to: identity)
            // A sync member that asks again (it restarted, or lost the connection) waits to be
            // in sync again before the writer waits for it.
            let left = condition.withLock { () -> [String]? in
                var standby = standbys[identity] ?? Standby(node: follow.node, acked: follow.after, sync: false, live: false, heardNs: nowNs)
                let wasSync = standby.sync
                standby.node = follow.node
                standby.acked = follow.after
                standby.heardNs = nowNs
                standby.live = !more
                standby.sync = false
                standbys[identity] = standby
                return wasSync ? syncMembers : nil
            }
            if let left { syncSetChanged(left) }
            if !more {
                logger.info("standby follows", metadata: ["standby": "\(follow.node)", "after_seq": "\(follow.after.seq)", "alerts": "\(page.records.count)", "state_rows": "\(rows.count)"])
            }
        } catch {
            logger.error("replication backlog cannot be read", metadata: ["standby": "\(follow.node)", "error": "\(error)"])
        }
    }

    private func refuse(_ identity: [UInt8], _ follow: ReplicationMessage.Follow, _ reason: String) {
        logger.error("standby refused", metadata: ["standby": "\(follow.node)", "reason": "\(reason)"])
        let left = condition.withLock { () -> [String]? in
            standbys.removeValue(forKey: identity)?.sync == true ? syncMembers : nil
        }
        if let left { syncSetChanged(left) }
        send(ReplicationMessage.refused("\(follow.node): \(reason)").frames(), to: identity)
    }

    /// Forgets standbys not heard from (no ack) for 10 beats that are not in the sync set; a
    /// sync member stays until ``awaitSync(seq:timeoutMs:)`` drops it.
    private func forgetSilent(nowNs: UInt64) {
        condition.withLock {
            let limit = UInt64(10 * Self.beatIntervalMs) * 1_000_000
            for (identity, standby) in standbys where !standby.sync && nowNs - standby.heardNs > limit {
                standbys.removeValue(forKey: identity)
                logger.info("standby gone", metadata: ["standby": "\(standby.node)"])
            }
        }
    }

    private func send(_ frames: [[UInt8]], to identity: [UInt8]) {
        do {
            if try !socket.send([identity] + frames, dontWait: true) {
                logger.warning("replication message dropped: the standby does not read", metadata: ["standby": "\(identity)"])
            }
        } catch {
            // ROUTER_MANDATORY: the standby's connection is gone; it asks again when it is back.
            condition.withLock { standbys[identity]?.live = false }
        }
    }
}
