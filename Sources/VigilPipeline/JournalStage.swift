import Dispatch
import Foundation
import Logging
import Synchronization
import VigilCluster
import VigilConfig
import VigilCore
import VigilJournal
import ZeroMQ

/// What the journal takes from processing at each commit: the alerts due since the last one,
/// the state log's patch right after them, and when asked for, the whole state.
struct Handoff: Sendable {
    var events: [AlertMessage]
    /// With alerts (or when asked for): what changed in the state since the last patch
    /// (``StateLogBuilder``), to be stored with the alerts.
    var patch: StatePatch?
    /// When a snapshot is due or the daemon stops: the whole state right after the alerts.
    var state: DaemonState?
    /// When the frames that made the first of these alerts were received (monotonic ns); nil for
    /// alerts no frame made (an incident resolved by the clock, a camera gone silent).
    var receivedNs: UInt64?

    init(events: [AlertMessage], patch: StatePatch? = nil, state: DaemonState? = nil) {
        self.events = events
        self.patch = patch
        self.state = state
    }
}

/// Journals alert messages, then publishes them on the PUB socket; publishes a heartbeat every
/// interval; applies the journal's retention.
///
/// **The order that makes the stream durable.** One writer thread, in a loop:
/// 1. It takes, on the processing queue, every alert due since its last turn and the state
///    log's patch right after them: the records of the state that changed in what a restart
///    needs (``StateLogBuilder``: the alerts' incidents and their targets, a few hundred bytes).
/// 2. It numbers the alerts (`seq`, gap-free, continuing the journal), encodes them, and stores
///    them with the patch in one SQLite transaction.
/// 3. With standbys (`--replication-bind`), it hands the transaction to the
///    ``ReplicationSource`` and waits until every synchronous standby holds it (at most
///    `syncTimeoutMs`, after which that standby leaves the sync set).
/// 4. Only then it publishes them. A `seq` that a consumer has seen is always in the journal
///    (and in every synchronous standby's), and the journaled state always knows every
///    journaled alert: after a crash, the daemon (or a standby started on its copy) resumes from
///    a state that matches what consumers saw.
///
/// Off the alerts' path: every ``StateLogBuilder/tickMs`` a patch of every target that changed
/// (in a transaction of its own when no alert comes with it), and every `snapshot_interval_s`
/// the whole state, from a copy taken with the alerts of a turn, encoded on a queue of its
/// own, and stored after later alerts went out; it makes the log's rows before it obsolete.
///
/// Group commit: whatever piles up during one commit goes into the next, so the journal never
/// limits throughput, and a commit costs each alert a share of one transaction. A commit that
/// fails (a full disk) is retried with the same alerts on the next turn; they are not published
/// meanwhile, and never dropped.
///
/// Slow consumers cannot slow this thread: PUB never blocks; past a subscriber's high-water mark
/// libzmq drops for that subscriber only, who catches up from the journal (``CatchUpServer``).
///
/// `@unchecked Sendable`: the socket, the journal and everything not atomic or under the mutex
/// belong to the writer thread (before ``start(take:)``, to the thread that creates the stage).
final class JournalStage: PipelineStage, @unchecked Sendable {
    private let socket: ZMQSocket
    /// The journal; nil when the daemon keeps no state (`state.dir` empty).
    let journal: AlertJournal?
    /// The whole snapshot found in the journal when it was opened.
    let restored: JournalSnapshot?
    /// The alert state found in the journal when it was opened (it may be newer than the snapshot).
    let restoredAlertState: JournalSnapshot?
    /// The state log found in the journal when it was opened (from its last whole state on):
    /// when not empty, it is the state, and the two above are a journal of schema 2's.
    let restoredLog: [StateLogRow]
    private let settings: DaemonSettings
    private let logger: Logger
    private let wake = DispatchSemaphore(value: 0)
    private let thread = ServiceThread(name: "vigil.journal")
    private let published = Mutex(JournalStats())
    // The writer thread's own:
    private var take: (@Sendable (ProcessingStage.StateWanted) -> Handoff)?
    private var counters = JournalStats()
    private var unjournaled: [AlertMessage] = []
    private var lastHeartbeatMs: Int64 = 0
    private var lastSnapshotMs: Int64 = 0
    private var lastPatchTickMs: Int64 = .min / 2
    /// The state log's place of this turn's patch (even; a whole state taken in the same turn
    /// goes after it, one more).
    private var turn: Int64 = 0
    /// A patch could not be stored: the next is whole.
    private var patchFailed = false
    private var lastRetentionMs: Int64 = 0
    private var lastFailureLogMs: Int64 = .min / 2
    /// The last whole snapshot could not be stored: the next turn asks for one again.
    private var snapshotFailed = false
    /// A whole snapshot is being encoded on `snapshotQueue` (one at a time).
    private var encoding = false
    /// Whole snapshots are encoded here, off the writer thread: 1–2 ms for hundreds of targets,
    /// which an alert arriving meanwhile would otherwise wait for.
    private let snapshotQueue = DispatchQueue(label: "vigil.journal.snapshot", qos: .utility)
    /// An encoded snapshot, for the writer to store on its next turn.
    private let encoded = Mutex<StateLogRow?>(nil)
    /// Room kept on the journal's disk for the alerts of a full disk.
    private var reserve: JournalReserve?
    /// Serves the journal to standbys, when `replicationBind` names endpoints.
    let replication: ReplicationSource?
    /// The active node's role in a cluster: its epoch and its fence, checked before every send.
    private let cluster: ClusterRole?
    /// Whether a send was refused by the fence (reported once).
    private var fenced = false
    /// The journal's checkpoints, on a queue of their own (never inside a commit), looked at
    /// every second: every minute, or at once when the log holds 4 MiB.
    private let checkpointer: JournalCheckpointer?
    private let checkpointQueue = DispatchQueue(label: "vigil.journal.checkpoint", qos: .utility)
    private var checkpointTimer: DispatchSourceTimer?
    /// Told of every batch of alert messages once published (on the writer thread: it must not
    /// block); set before ``start()``.
    private var observer: (@Sendable ([JournalRecord]) -> Void)?
    /// Messages outside the alert stream (operators' reviews: no `seq`), to be published by the
    /// writer (the PUB socket is its own) on its next turn.
    private let extra = Mutex<[(topic: String, payload: [UInt8])]>([])
    /// A whole snapshot is wanted now (``requestSnapshot()``).
    private let snapshotWanted = Atomic<Bool>(false)

    /// Opens the journal (`<state.dir>/journal.sqlite`, unless `state.dir` is empty), creates the
    /// PUB socket and binds every endpoint; throws naming what failed.
    init(
        context: ZMQContext, settings: DaemonSettings, security: EndpointSecurity = .plaintext, cluster: ClusterRole? = nil, logger: Logger
    ) throws(DaemonError) {
        self.settings = settings
        self.cluster = cluster
        self.logger = logger
        if settings.stateDirectory.isEmpty {
            journal = nil
            restored = nil
            restoredAlertState = nil
            restoredLog = []
            checkpointer = nil
        } else {
            let path = settings.journalPath ?? ""
            do {
                try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true)
                let retention = JournalRetention(maxAgeMs: settings.journalMaxAgeMs, maxBytes: settings.journalMaxBytes)
                let journal = try AlertJournal(
                    path: path, retention: retention, synchronous: AlertJournal.Synchronous(rawValue: settings.journalSynchronous) ?? .normal,
                    checkpointsElsewhere: true)
                checkpointer = try JournalCheckpointer(path: path, journal: journal)
                try journal.applyRetention(nowMs: WallClock.nowMs())
                self.journal = journal
                restored = try journal.latestSnapshot()
                restoredAlertState = try journal.latestAlertState()
                restoredLog = try journal.stateLog()
                var reserve = JournalReserve(directory: settings.stateDirectory)
                if let problem = reserve.make(nowMs: WallClock.nowMs()) {
                    logger.warning("cannot keep the journal's reserve on its disk", metadata: ["path": "\(reserve.path)", "error": "\(problem)"])
                }
                self.reserve = reserve
            } catch {
                throw DaemonError(.state, "cannot open the journal \(path): \(error)")
            }
        }
        if settings.replicationBind.isEmpty {
            replication = nil
        } else if let journal {
            do {
                replication = try ReplicationSource(
                    context: context, bind: settings.replicationBind, journalPath: journal.path, node: cluster?.node ?? ProcessInfo.processInfo.hostName,
                    logger: logger
                ) { plan in security.apply(to: &plan, domain: .replication) }
                if let cluster { replication?.observeSyncSet(cluster.syncSetChanged) }
            } catch {
                throw DaemonError(.socket, "cannot bind the replication endpoint: \(error)")
            }
        } else {
            throw DaemonError(.state, "replication needs a journal: state.dir is empty")
        }
        counters.lastSeq = journal?.lastSeq ?? 0
        turn = ((journal?.lastTurn ?? 0) / 2 + 1) * 2
        // LINGER: on shutdown, give subscribers a second to take what was published last.
        var plan = SocketPlan(.pub)
        plan.lingerMs = 1_000
        plan.sendHighWaterMark = Int32(clamping: settings.sendHighWaterMark)
        // What a subscriber sends is its subscriptions: a few bytes each.
        plan.maxMessageBytes = 64 << 10
        security.apply(to: &plan, domain: .alerts)
        plan.bind = settings.publishBind
        do { socket = try context.open(plan) } catch {
            throw DaemonError(socket: "the alert socket", bound: "alert endpoint", error)
        }
        publishCounters()
    }

    let name = "journal"

    /// Where the writer takes its work: `take` runs on the processing queue. Set once, before
    /// ``start()``.
    func takeWork(from take: @escaping @Sendable (ProcessingStage.StateWanted) -> Handoff) {
        self.take = take
    }

    /// Has `observer` told of every batch of alert messages right after it is published. Set once,
    /// before ``start()``.
    func observePublished(_ observer: @escaping @Sendable ([JournalRecord]) -> Void) {
        self.observer = observer
    }

    /// Starts the writer thread.
    func start() {
        let nowMs = WallClock.nowMs()
        // The first heartbeat on the first turn: consumers learn at once where the stream
        // stands, and in a cluster that this node is the active one (a takeover is seen a
        // heartbeat interval sooner).
        lastHeartbeatMs = nowMs - Int64(settings.heartbeatSeconds * 1_000)
        lastSnapshotMs = nowMs
        lastRetentionMs = nowMs
        if let checkpointer {
            let timer = DispatchSource.makeTimerSource(queue: checkpointQueue)
            timer.schedule(deadline: .now() + 1, repeating: 1, leeway: .milliseconds(100))
            let logger = logger
            timer.setEventHandler {
                let nowMs = WallClock.monotonicNs() / 1_000_000
                guard checkpointer.isDue(nowMs: Int64(nowMs)) else { return }
                do { try checkpointer.checkpoint(nowMs: Int64(nowMs)) } catch { logger.error("journal checkpoint failed", metadata: ["error": "\(error)"]) }
            }
            timer.resume()
            checkpointTimer = timer
        }
        if let journal { replication?.start(position: .init(seq: journal.lastSeq, turn: journal.lastTurn)) }
        thread.start { [self] in run() }
    }

    /// Tells the writer that alerts are due.
    func notify() {
        wake.signal()
    }

    /// Has the writer store a whole snapshot on its next turn (after a reload: the state journaled
    /// so far belongs to the configuration before it).
    func requestSnapshot() {
        snapshotWanted.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Has the writer publish a message outside the alert stream (no `seq`) on its next turn.
    func publish(topic: String, payload: [UInt8]) {
        extra.withLock { $0.append((topic, payload)) }
        wake.signal()
    }

    /// Journals and publishes what is due (with the final state), then closes the socket; returns
    /// whether that was done before `deadline`. A stage never started closes its socket here.
    func stop(deadline: DispatchTime) -> Bool {
        checkpointTimer?.cancel()
        let stopped = thread.stop(deadline: deadline) {
            socket.close()
        } stopping: { [wake] in
            wake.signal()
        }
        // After the writer: its last commit goes to the standbys too.
        return (replication?.stop(deadline: deadline) ?? true) && stopped
    }

    /// Counters, as the writer last published them.
    func stats() -> JournalStats {
        published.withLock { $0 }
    }

    private func run() {
        defer { socket.close() }
        let heartbeatMs = Int64(settings.heartbeatSeconds * 1_000)
        let snapshotMs = Int64(settings.snapshotIntervalSeconds * 1_000)
        let tick = max(10, min(heartbeatMs, snapshotMs, 250) / 2)
        while true {
            _ = wake.wait(timeout: .now() + .milliseconds(Int(tick)))
            let stop = thread.isStopping
            let nowMs = WallClock.nowMs()
            let wanted = snapshotWanted.exchange(false, ordering: .relaxed)
            commit(nowMs: nowMs, stateDue: wanted || nowMs - lastSnapshotMs >= snapshotMs, stopping: stop)
            if stop && unjournaled.isEmpty { break }
            if stop {
                // The journal refuses to write even with its reserve spent: these alerts have no
                // seq and are not published (a seq not journaled could be given again after a
                // restart). Each goes to the log whole, to be recovered from there.
                logger.critical("stopping with alerts the journal could not take; they are not published, and logged here whole", metadata: ["alerts": "\(unjournaled.count)"])
                for event in unjournaled {
                    let payload = String(decoding: AlertEncoder.encode(event, seq: 0, emittedTs: nowMs), as: UTF8.self)
                    logger.critical("alert not journaled", metadata: ["alert.topic": "\(event.topic)", "alert.payload": "\(payload)"])
                }
                break
            }
            if nowMs - lastHeartbeatMs >= heartbeatMs { heartbeat(nowMs: nowMs) }
            for message in extra.withLock({ queued in defer { queued = [] }; return queued }) where mayPublish() {
                do { try socket.send(topic: message.topic, payload: message.payload) } catch {
                    logger.error("review publish failed", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
                }
            }
            if let journal, nowMs - lastRetentionMs >= 10_000 {
                lastRetentionMs = nowMs
                if reserve?.isHeld == false, reserve?.make(nowMs: nowMs) == nil {
                    logger.notice("the journal's reserve is kept again", metadata: ["path": "\(reserve?.path ?? "")"])
                }
                do {
                    let removed = try journal.applyRetention(nowMs: nowMs)
                    if removed > 0 { logger.info("journal retention", metadata: ["removed": "\(removed)", "oldest_seq": "\(journal.oldestSeq)"]) }
                } catch {
                    logger.error("journal retention failed", metadata: ["error": "\(error)"])
                }
            }
            publishCounters()
        }
        publishCounters()
    }

    /// One turn: take what is due, journal it with its patch of the state, publish it; then,
    /// when due, store a whole snapshot (after the alerts went out: never on their path).
    private func commit(nowMs: Int64, stateDue: Bool, stopping: Bool) {
        guard let take else { return }
        let tick = nowMs - lastPatchTickMs >= StateLogBuilder.tickMs
        // Retried alerts need a patch that knows them: the one taken with them was not stored.
        let wanted = ProcessingStage.StateWanted(
            patch: tick ? .all : unjournaled.isEmpty ? nil : .alerts, forgetPatches: patchFailed,
            whole: stopping ? .always : encoding ? nil : snapshotFailed ? .always : stateDue ? .ifChanged : nil)
        let handoff = take(wanted)
        patchFailed = false
        if tick { lastPatchTickMs = nowMs }
        turn += 2
        let patch = handoff.patch.flatMap { patch in
            patch.isEmpty ? nil : StateLogRow(turn: turn, whole: patch.whole, seq: 0, takenMs: nowMs, bytes: patch.encoded())
        }
        let events = unjournaled + handoff.events
        if !events.isEmpty {
            let first = counters.lastSeq + 1
            var records: [JournalRecord] = []
            records.reserveCapacity(events.count)
            for (i, event) in events.enumerated() {
                let seq = first + UInt64(i)
                var event = event
                event.epoch = cluster?.epoch
                records.append(JournalRecord(seq: seq, emittedMs: nowMs, topic: event.topic, payload: AlertEncoder.encode(event, seq: seq, emittedTs: nowMs)))
            }
            if let journal {
                let started = WallClock.monotonicNs()
                let patches = patch.map { [$0] } ?? []
                var stored: [StateLogRow] = []
                do {
                    do {
                        stored = try journal.append(records, patches: patches, nowMs: nowMs)
                    } catch where reserve?.release(nowMs: nowMs) == true {
                        // A full disk (or any failure, while the reserve lasts): give the journal
                        // the reserve's room and try again at once.
                        logger.critical(
                            "the journal's disk is full: its reserve is released so that alerts go on; free space on it",
                            metadata: ["error": "\(error)", "reserve": "\(JournalReserve.bytes >> 20) MiB", "path": "\(journal.path)"])
                        stored = try journal.append(records, patches: patches, nowMs: nowMs)
                    }
                } catch {
                    unjournaled = events
                    patchFailed = true
                    failed("journal commit failed; the alerts wait, unpublished", error, nowMs: nowMs, metadata: ["alerts": "\(events.count)"])
                    return
                }
                let elapsedNs = WallClock.monotonicNs() - started
                if let replication, let last = records.last {
                    replication.committed(alerts: records, stateRows: stored)
                    replication.awaitSync(seq: last.seq, timeoutMs: settings.syncTimeoutMs)
                }
                PipelineMetrics.commit.recordNanoseconds(Int64(clamping: elapsedNs))
                if let patch { counters.alertStateBytes = patch.bytes.count }
                counters.commits += 1
                counters.commitNsTotal += elapsedNs
                counters.commitNsMax = max(counters.commitNsMax, elapsedNs)
            }
            unjournaled = []
            if mayPublish() {
                for record in records { send(record, event: events[Int(record.seq - first)]) }
            }
            if let last = records.last { counters.lastSeq = last.seq }
            observer?(records)
            if let receivedNs = handoff.receivedNs {
                let latency = Int64(clamping: WallClock.monotonicNs() &- receivedNs)
                for _ in handoff.events { PipelineMetrics.alert.recordNanoseconds(latency) }
            }
        } else if let journal, let patch {
            // Targets that moved on, with no alert: a transaction of their own.
            do {
                let stored = try journal.append([], patches: [patch], nowMs: nowMs)
                replication?.committed(alerts: [], stateRows: stored)
                counters.patches += 1
                counters.patchBytes += UInt64(patch.bytes.count)
            } catch {
                patchFailed = true
                failed("journal state patch failed; the next is whole", error, nowMs: nowMs)
            }
        }
        guard let journal else { return }
        if let state = handoff.state {
            // Knows every alert journaled up to now, and no later one; goes after this turn's patch.
            let seq = counters.lastSeq, wholeTurn = turn + 1
            let encode = { @Sendable in
                StateLogRow(turn: wholeTurn, whole: true, seq: seq, takenMs: nowMs, bytes: StatePatch.encodedWhole(state, wallNowMs: nowMs))
            }
            if stopping {
                store(encode(), in: journal, nowMs: nowMs)
            } else {
                encoding = true
                snapshotQueue.async { [self] in
                    let row = encode()
                    encoded.withLock { $0 = row }
                    wake.signal()
                }
            }
        } else if let snapshot = encoded.withLock({ value -> StateLogRow? in
            defer { value = nil }
            return value
        }) {
            // Encoded since the last turn; stored after this turn's alerts went out.
            encoding = false
            store(snapshot, in: journal, nowMs: nowMs)
        }
    }

    /// Stores a whole snapshot (its place in the log is the turn it was taken in, one after that
    /// turn's patch) in a transaction of its own.
    private func store(_ snapshot: StateLogRow, in journal: AlertJournal, nowMs: Int64) {
        do {
            try journal.saveWholeState(snapshot)
            replication?.committed(alerts: [], stateRows: [snapshot])
            snapshotFailed = false
            lastSnapshotMs = snapshot.takenMs
            counters.snapshots += 1
            counters.snapshotBytes = snapshot.bytes.count
        } catch {
            // The patches stored with the alerts still resume them; the next turn asks again.
            snapshotFailed = true
            failed("journal snapshot failed", error, nowMs: nowMs)
        }
    }

    /// Counts a failed write, and logs it at most every 10 s (a full disk fails every turn).
    private func failed(_ message: Logger.Message, _ error: any Error, nowMs: Int64, metadata: Logger.Metadata = [:]) {
        counters.failures += 1
        guard nowMs - lastFailureLogMs >= 10_000 else { return }
        lastFailureLogMs = nowMs
        logger.error(message, metadata: metadata.merging(["error": "\(error)"]) { $1 })
    }

    /// Whether this node may publish now: always, alone; in a cluster, while its fence is open
    /// (one clock read and a compare, immediately before each send). The first refusal is
    /// reported to the cluster, which demotes the node.
    private func mayPublish() -> Bool {
        guard let cluster else { return true }
        if cluster.mayPublish() { return true }
        if !fenced {
            fenced = true
            counters.fencedSends += 1
            logger.error("not published: this node's lease may have expired (its fence is closed); it stops being the active node", metadata: ["epoch": "\(cluster.epoch)"])
            cluster.fenced()
        }
        return false
    }

    private func send(_ record: JournalRecord, event: AlertMessage) {
        do {
            // A PUB socket never blocks: past a subscriber's high-water mark libzmq drops for that subscriber only.
            try socket.send(topic: record.topic, payload: record.payload)
            counters.published += 1
            counters.publishedBy[AlertCount(kind: event.kind, state: event.state.rawValue, severity: event.severity.rawValue), default: 0] += 1
        } catch {
            logger.error("alert publish failed", metadata: ["alert.id": "\(event.id)", "alert.seq": "\(record.seq)", "error": "\(error)"])
        }
        logger.info(
            "alert",
            metadata: [
                "alert.seq": "\(record.seq)", "alert.state": "\(event.state.rawValue)", "alert.id": "\(event.id)",
                "alert.kind": "\(event.kind)", "alert.severity": "\(event.severity.rawValue)", "alert.zone": "\(event.zone)",
                "alert.direction": "\(event.direction ?? "-")", "alert.cameras": "\(event.cameras.joined(separator: ","))",
            ])
    }

    /// `heartbeat` {v, latest_seq, oldest_seq, ts}, every interval whatever else is published: a
    /// consumer subscribed to part of the stream hears it too, and tells silence from a broken link.
    private func heartbeat(nowMs: Int64) {
        lastHeartbeatMs = nowMs
        guard mayPublish() else { return }
        let beat = Heartbeat(
            latestSeq: counters.lastSeq, oldestSeq: journal?.oldestSeq ?? 0, ts: nowMs, epoch: cluster?.epoch, node: cluster?.node,
            epochBase: cluster?.epochBase)
        do {
            try socket.send(topic: Heartbeat.topic, payload: beat.encoded())
            counters.heartbeats += 1
        } catch {
            logger.error("heartbeat publish failed", metadata: ["error": "\(error)"])
        }
    }

    private func publishCounters() {
        var snapshot = counters
        if let journal {
            snapshot.oldestSeq = journal.oldestSeq
            snapshot.held = journal.heldCount
            snapshot.heldBytes = journal.heldBytes
        }
        snapshot.pending = unjournaled.count
        published.withLock { $0 = snapshot }
    }
}

/// Counters of the journal stage.
public struct JournalStats: Sendable, Equatable {
    /// Alert messages published.
    public var published: UInt64 = 0
    /// The last `seq` journaled and published (0: none yet, ever).
    public var lastSeq: UInt64 = 0
    /// The oldest `seq` the journal still holds (0: none).
    public var oldestSeq: UInt64 = 0
    /// Alerts held in the journal, and their bytes.
    public var held: Int64 = 0
    public var heldBytes: Int64 = 0
    /// Transactions committed, failed (the alerts wait and are retried), and their time.
    public var commits: UInt64 = 0
    public var failures: UInt64 = 0
    public var commitNsTotal: UInt64 = 0
    public var commitNsMax: UInt64 = 0
    /// Whole state snapshots journaled, and the size of the last.
    public var snapshots: UInt64 = 0
    public var snapshotBytes: Int = 0
    /// The size of the last patch of the state journaled with alerts.
    public var alertStateBytes: Int = 0
    /// Patches of the state journaled without alerts (targets that moved on), and their bytes.
    public var patches: UInt64 = 0
    public var patchBytes: UInt64 = 0
    /// Alert messages published, by kind, state and severity (for the metrics).
    public var publishedBy: [AlertCount: UInt64] = [:]
    /// Heartbeats published.
    public var heartbeats: UInt64 = 0
    /// Turns whose sends the cluster's fence refused (the node was no longer sure to be active).
    public var fencedSends: UInt64 = 0
    /// Alerts waiting for a journal that refuses them.
    public var pending: Int = 0

    /// Zero counters.
    public init() {}
}

/// What published alert messages are counted by.
public struct AlertCount: Sendable, Hashable {
    /// `kind`, `state` and `severity` of the messages.
    public var kind: String, state: String, severity: String
}
