import Foundation
import Logging
import Synchronization
import VigilJournal
import ZeroMQ

/// A standby's side of journal replication (docs/failover.md, section 6): a DEALER connected to
/// the active's ``ReplicationSource``. It asks to follow from where its own journal stands,
/// stores every transaction it is sent exactly as the active stored it (same `seq`, same bytes,
/// same state log rows: ``AlertJournal/appendCopied(_:rows:restart:nowMs:)``), and acknowledges
/// each once it is committed. Its journal is therefore a prefix of the active's, and a vigild
/// started on it resumes the stream where the active left it: the same next `seq`, the open
/// incidents as consumers saw them, no second `raised`.
///
/// Its journal keeps its own retention (the journal's, applied every ``retentionIntervalMs``, 10 s), as
/// the active's does: the copy does not outgrow the original.
///
/// It asks again (`follow`) when it has heard nothing for ``silenceMs`` (the active restarted,
/// or the connection was lost), when a message does not continue its journal, or when a beat
/// says the active is further than what it holds. A refusal (its journal differs from the
/// active's) stops it: it is logged and kept in ``status()``, and the journal is left as it is.
public final class ReplicationFollower: @unchecked Sendable {
    /// Silence after which the follower asks again.
    public static let silenceMs: UInt64 = 1_000
    /// How often the journal's retention is applied, by default.
    public static let retentionIntervalMs: UInt64 = 10_000

    /// Where the follower stands.
    public struct Status: Sendable, Equatable {
        /// Where its journal stands.
        public var position: ReplicationMessage.Position
        /// Where the active's journal stood at its last beat.
        public var activePosition: ReplicationMessage.Position?
        /// Transactions stored, and requests to follow sent.
        public var stored: UInt64 = 0
        public var follows: UInt64 = 0
        /// Why the active refused it, if it did.
        public var refused: String?
        /// Messages that could not be read or stored.
        public var errors: UInt64 = 0
    }

    private let socket: ZMQSocket
    private let journal: AlertJournal
    private let node: String
    private let logger: Logger
    private let thread = ServiceThread(name: "vigil.follower")
    private let published: Mutex<Status>
    private let retentionIntervalMs: UInt64

    /// Connects a DEALER to the active's replication `endpoint`; `journal` (opened by the caller)
    /// is this standby's own, written only by the follower's thread from ``start()`` on.
    /// `security`: CURVE, with the active's public key and an operator's key pair, when the
    /// active's endpoints speak it. The journal's retention is applied every
    /// `retentionIntervalMs`.
    public init(
        context: ZMQContext, endpoint: String, journal: AlertJournal, node: String, logger: Logger, security: SocketPlan.Security = .none,
        retentionIntervalMs: UInt64 = ReplicationFollower.retentionIntervalMs
    ) throws(SocketSetupError) {
        self.retentionIntervalMs = retentionIntervalMs
        var plan = SocketPlan(.dealer)
        plan.maxMessageBytes = 64 << 20
        plan.lingerMs = 0
        plan.connect = [endpoint]
        plan.security = security
        socket = try context.open(plan)
        self.journal = journal
        self.node = node
        self.logger = logger
        published = Mutex(Status(position: .init(seq: journal.lastSeq, turn: journal.lastTurn)))
    }

    /// Starts the follower's thread.
    public func start() {
        thread.start { [self] in run() }
    }

    /// Stops the thread (it finishes the transaction in hand); whether it did by `deadline`.
    public func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) { socket.close() }
    }

    /// Where the follower stands.
    public func status() -> Status {
        published.withLock { $0 }
    }

    private var position: ReplicationMessage.Position { .init(seq: journal.lastSeq, turn: journal.lastTurn) }

    private func run() {
        defer { socket.close() }
        var heardNs: UInt64 = 0
        var askedNs: UInt64 = 0
        var refused = false
        var retainedNs: UInt64 = 0
        while !thread.isStopping {
            let nowNs = DispatchTime.now().uptimeNanoseconds
            if nowNs - retainedNs >= retentionIntervalMs * 1_000_000 {
                retainedNs = nowNs
                do {
                    let removed = try journal.applyRetention(nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
                    if removed > 0 { logger.info("journal retention", metadata: ["removed": "\(removed)", "oldest_seq": "\(journal.oldestSeq)"]) }
                } catch {
                    logger.error("journal retention failed", metadata: ["error": "\(error)"])
                }
            }
            if !refused && nowNs - max(heardNs, askedNs) >= Self.silenceMs * 1_000_000 {
                askedNs = nowNs
                follow()
            }
            let frames: [[UInt8]]
            do {
                guard try socket.waitForInput(timeoutMs: 50), let message = try socket.receiveMessage(dontWait: true) else { continue }
                frames = message
            } catch {
                logger.error("replication socket failed", metadata: ["error": "\(error)"])
                return
            }
            let message: ReplicationMessage
            do { message = try ReplicationMessage.decode(frames) } catch {
                logger.warning("replication message refused", metadata: ["error": "\(error)"])
                published.withLock { $0.errors += 1 }
                continue
            }
            heardNs = DispatchTime.now().uptimeNanoseconds
            switch message {
            case .rows(let rows):
                do {
                    if try journal.appendCopied(rows.alerts, rows: rows.stateRows, restart: rows.restart, nowMs: Int64(Date().timeIntervalSince1970 * 1_000)) {
                        published.withLock { $0.stored += 1 }
                    }
                    send(.ack(position))
                    if rows.more { follow() }
                } catch {
                    // Not the next of this journal (a message lost on a reconnect): ask again
                    // from where the journal stands.
                    logger.warning("replicated rows do not continue the journal; asking again", metadata: ["error": "\(error)"])
                    published.withLock { $0.errors += 1 }
                    askedNs = heardNs
                    follow()
                }
            case .beat(let active):
                published.withLock { $0.activePosition = active }
                if active.seq > journal.lastSeq && heardNs - askedNs >= Self.silenceMs * 1_000_000 / 2 {
                    // The active holds alerts this journal lacks and none is on its way.
                    askedNs = heardNs
                    follow()
                }
            case .refused(let reason):
                logger.critical("the active refuses this standby; it no longer follows", metadata: ["reason": "\(reason)"])
                published.withLock { $0.refused = reason }
                refused = true
            case .follow, .ack:
                published.withLock { $0.errors += 1 }
            }
            let now = position
            published.withLock { $0.position = now }
        }
    }

    private func follow() {
        let newest: JournalRecord?
        do { newest = journal.heldCount > 0 ? try journal.record(at: journal.lastSeq) : nil } catch {
            logger.error("cannot read the journal's newest alert", metadata: ["error": "\(error)"])
            return
        }
        send(.follow(.init(node: node, after: position, newest: newest)))
        published.withLock { $0.follows += 1 }
    }

    private func send(_ message: ReplicationMessage) {
        do { _ = try socket.send(message.frames(), dontWait: true) } catch {
            logger.warning("replication message not sent", metadata: ["error": "\(error)"])
        }
    }
}
