import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilCluster
import VigilConfig
import VigilHTTP
import VigilJournal
import VigilPipeline
import VigilWire
import ZeroMQ

/// vigild as a node of a cluster (`cluster:` in `vigild.yaml`; docs/failover.md): a standby
/// that copies the active node's journal until it wins the election on etcd, then the active
/// node, publishing under the election's epoch until it may no longer be sure it is.
///
/// - **Standby.** It reads the leader key (every 100 ms) and follows the active node's journal
///   over its replication endpoint (``ReplicationFollower``). It campaigns when no node is
///   active and it may: the cluster's sync key (`<prefix>/<name>/sync`) is absent (a new
///   cluster) or names it, as the last active node or a synchronous standby, so that only a
///   node that holds every published alert can win (the campaign fails if the key changed
///   after it was read).
/// - **Takeover.** It stops following, writes the sync key for its epoch (no standby yet), and
///   resumes the journal's state as a restart does, then publishes: the same next `seq`, the
///   open incidents as consumers saw them.
/// - **Active.** Every alert and heartbeat carries the epoch; the sync key follows the set of
///   synchronous standbys. The fence is checked before every send: when it closes (no
///   keep-alive in time) or the election says the node is no longer active, it stops
///   publishing and exits with 75 (`EX_TEMPFAIL`): `scripts/supervise.sh` starts it again, as a
///   standby.
/// - **Rejoining.** A journal that was another epoch's (this node was active, or followed
///   another) first loses the alerts after the new epoch's base and the state rows after its
///   turn: stored, never acknowledged by the node that won, so never published.
final class ClusterNode: Sendable {
    /// What vigild exits with when a node stops being the active one: start it again, as a standby.
    static let demotedStatus: Int32 = 75

    private let configuration: VigilConfiguration
    private let cluster: ClusterSettings
    private let logger: Logger
    private let run: RunStats
    private let handle: DaemonHandle
    private let started: @Sendable (Daemon) -> Void
    private let demoted: @Sendable () -> Never
    private let etcd: EtcdClient
    private let election: Election
    private let journalPath: String
    private let epochFile: String
    /// What a standby knows of the active node: its name, its epoch, its newest `seq` at its last beat.
    private let seen = Shared((active: "", epoch: Int64(0), activeSeq: UInt64(0)))
    /// Where this node's journal stands, as the follower last said (read by the candidacy).
    private let position = Shared(ReplicationMessage.Position(seq: 0, turn: 0))
    private let failed = Mutex<DaemonError?>(nil)

    /// The leader key's value: who is active and where standbys copy its journal.
    struct LeaderValue: Codable, Equatable {
        var node: String
        var replication: String
        var publish: [String]
        var catchup: String
        var control: String
        /// Where the journal stood when this node won: what a rejoining node keeps.
        var baseSeq: UInt64
        var baseTurn: Int64
    }

    /// The sync key's value: the active node of `epoch` and the standbys it waits for.
    struct SyncValue: Codable, Equatable {
        var epoch: Int64
        var active: String
        var sync: [String]
    }

    init(
        configuration: VigilConfiguration, logger: Logger, run: RunStats, handle: DaemonHandle, started: @escaping @Sendable (Daemon) -> Void,
        demoted: @escaping @Sendable () -> Never
    ) {
        self.configuration = configuration
        cluster = configuration.settings.cluster
        self.logger = logger
        self.run = run
        self.handle = handle
        self.started = started
        self.demoted = demoted
        etcd = EtcdClient(endpoints: cluster.etcd, requestTimeoutMs: cluster.etcdTimeoutMs)
        let directory = URL(fileURLWithPath: configuration.settings.stateDirectory)
        journalPath = configuration.settings.journalPath ?? ""
        epochFile = directory.appendingPathComponent("cluster-epoch").path
        let settings = Election.Settings(
            key: "\(cluster.keyPrefix)/leader", node: cluster.node, leaseTTLSeconds: cluster.leaseTTLSeconds,
            keepAliveIntervalMs: cluster.keepAliveIntervalMs, demoteMarginMs: cluster.demoteMarginMs, guardKey: "\(cluster.keyPrefix)/sync")
        let me = cluster.node
        let position = position
        let value = { @Sendable (at: ReplicationMessage.Position) in
            LeaderValue(
                node: me, replication: configuration.settings.cluster.advertisedReplication, publish: configuration.settings.publishBind,
                catchup: configuration.settings.catchupBind, control: configuration.settings.controlBind, baseSeq: at.seq, baseTurn: at.turn)
        }
        election = Election(settings: settings, etcd: etcd) { guarding in
            // Only a node that holds every published alert may win: the last active one, or a
            // synchronous standby of it; anyone in a cluster that never had an active node.
            if let guarding {
                guard let sync = try? JSONDecoder.snakeCase.decode(SyncValue.self, from: Data(guarding.value)),
                    sync.active == me || sync.sync.contains(me)
                else { return nil }
            }
            return try? Array(JSONEncoder.snakeCase.encode(value(position.withLock { $0 })))
        }
    }

    /// Why the daemon could not be made, if it could not.
    var failure: DaemonError? { failed.withLock { $0 } }

    /// Takes part in the cluster until the service group shuts down.
    func runNode() async throws {
        do {
            try FileManager.default.createDirectory(atPath: configuration.settings.stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw fail(DaemonError(.state, "cannot make the state directory \(configuration.settings.stateDirectory): \(error)"))
        }
        logger.notice(
            "cluster node starts as a standby",
            metadata: ["cluster": "\(cluster.name)", "node": "\(cluster.node)", "etcd": "\(cluster.etcd.joined(separator: ","))"])
        let electionTask = Task { await election.run() }
        defer { electionTask.cancel() }
        handle.standbyStatus = { [self] in standbyStatus() }
        var control: StandbyControl?
        if !configuration.settings.controlBind.isEmpty {
            do {
                control = try StandbyControl(endpoint: configuration.settings.controlBind, status: { [self] in standbyStatus() }, logger: logger)
                control?.start()
            } catch {
                throw fail(DaemonError(.socket, "cannot bind the control endpoint \(configuration.settings.controlBind): \(error)"))
            }
        }
        let standbyStarted = LeaseFence.bootTimeNs()
        let epoch: Int64
        do {
            defer { control?.stop() }
            guard let won = try await standby() else {
                await election.resign()
                return
            }
            epoch = won
        } catch {
            await election.resign()
            throw error
        }
        try await active(epoch: epoch, standbySinceNs: standbyStarted)
    }

    // MARK: Standby

    /// Follows whichever node is active until this one wins (its epoch) or the group shuts down (`nil`).
    private func standby() async throws -> Int64? {
        var following: (epoch: Int64, follower: ReplicationFollower, journal: AlertJournal, context: ZMQContext)?
        defer {
            if let following { stopFollowing(following.follower, following.context) }
        }
        let journal = try openJournal()
        position.withLock { $0 = .init(seq: journal.lastSeq, turn: journal.lastTurn) }
        var idle: AlertJournal? = journal
        var lastRefusal: String?
        var retryNs: UInt64 = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let following {
                let status = following.follower.status()
                position.withLock { $0 = status.position }
                if let active = status.activePosition { seen.withLock { $0.activeSeq = active.seq } }
            }
            let leader = election.leader
            let value = leader.flatMap { try? JSONDecoder.snakeCase.decode(LeaderValue.self, from: Data($0.value)) }
            if let leader { seen.withLock { ($0.active, $0.epoch) = (value?.node ?? "", leader.epoch) } }
            if let leader, let value, value.node != cluster.node, following?.epoch != leader.epoch, LeaseFence.bootTimeNs() >= retryNs {
                if let current = following {
                    stopFollowing(current.follower, current.context)
                    idle = current.journal
                    following = nil
                }
                guard let journal = idle else { break }
                do {
                    try rejoin(journal, epoch: leader.epoch, base: value)
                    let context = try ZMQContext()
                    let follower = try ReplicationFollower(
                        context: context, endpoint: value.replication, journal: journal, node: cluster.node, logger: logger)
                    follower.start()
                    following = (leader.epoch, follower, journal, context)
                    idle = nil
                    logger.notice(
                        "following the active node", metadata: ["active": "\(value.node)", "epoch": "\(leader.epoch)", "replication": "\(value.replication)"])
                } catch {
                    // Tried again in a second, not at every turn of this loop.
                    logger.error("cannot follow the active node", metadata: ["active": "\(value.node)", "error": "\(error)"])
                    idle = journal
                    retryNs = LeaseFence.bootTimeNs() + 1_000_000_000
                }
            }
            if let refused = following?.follower.status().refused, refused != lastRefusal {
                lastRefusal = refused
                logger.error("the active node refused this standby; it will not be eligible until its journal is re-seeded", metadata: ["reason": "\(refused)"])
            }
            if let epoch = election.epoch { return epoch }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// This node's status while it is a standby.
    private func standbyStatus() -> StatsMessage.Cluster {
        var status = StatsMessage.Cluster()
        status.node = cluster.node
        status.role = "standby"
        let view = seen.withLock { $0 }
        status.active = view.active
        status.epoch = UInt64(max(0, view.epoch))
        status.seq = position.withLock { $0.seq }
        status.activeSeq = view.activeSeq
        status.lagSeq = view.activeSeq > status.seq ? view.activeSeq - status.seq : 0
        return status
    }

    private func stopFollowing(_ follower: ReplicationFollower, _ context: ZMQContext) {
        _ = follower.stop(deadline: .now() + 5)
        context.terminate()
        position.withLock { $0 = follower.status().position }
    }

    private func openJournal() throws -> AlertJournal {
        let settings = configuration.settings
        let retention = JournalRetention(maxAgeMs: settings.journalMaxAgeMs, maxBytes: settings.journalMaxBytes)
        do {
            return try AlertJournal(path: journalPath, retention: retention, synchronous: AlertJournal.Synchronous(rawValue: settings.journalSynchronous) ?? .normal)
        } catch {
            throw fail(DaemonError(.state, "cannot open the journal \(journalPath): \(error)"))
        }
    }

    /// Before following the active node of `epoch`: a journal written under another epoch loses
    /// what that epoch's winner never held (docs/failover.md, section 7.4).
    private func rejoin(_ journal: AlertJournal, epoch: Int64, base: LeaderValue) throws {
        let recorded = (try? String(contentsOfFile: epochFile, encoding: .utf8)).flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if recorded != epoch && (journal.lastSeq > base.baseSeq || journal.lastTurn > base.baseTurn) {
            let removed = try journal.truncate(afterSeq: base.baseSeq, afterTurn: base.baseTurn)
            logger.notice(
                "journal cut back to what the active node inherited: stored here, never acknowledged by it, so never published",
                metadata: [
                    "epoch": "\(epoch)", "base_seq": "\(base.baseSeq)", "base_turn": "\(base.baseTurn)", "alerts.removed": "\(removed.alerts)",
                    "state_rows.removed": "\(removed.rows)",
                ])
        }
        try recordEpoch(epoch)
        position.withLock { $0 = .init(seq: journal.lastSeq, turn: journal.lastTurn) }
    }

    private func recordEpoch(_ epoch: Int64) throws {
        try Data("\(epoch)\n".utf8).write(to: URL(fileURLWithPath: epochFile), options: .atomic)
    }

    // MARK: Active

    /// Runs the daemon as the active node of `epoch` until the group shuts down; exits the
    /// process (``demotedStatus``) when the node may no longer publish.
    private func active(epoch: Int64, standbySinceNs: UInt64) async throws {
        let wonNs = LeaseFence.bootTimeNs()
        let previousEpoch = seen.withLock { $0.epoch }
        do { try recordEpoch(epoch) } catch {
            logger.error("cannot record the epoch in the state directory", metadata: ["path": "\(epochFile)", "error": "\(error)"])
        }
        // The sync key names this node before it publishes anything: from now on only it (and
        // the standbys it will add) may win, never a node that lacks what it publishes.
        let syncKey = "\(cluster.keyPrefix)/sync"
        let me = cluster.node
        while true {
            let value = SyncValue(epoch: epoch, active: me, sync: [])
            if (try? await election.putAsActive(syncKey, value: Array(JSONEncoder.snakeCase.encode(value)))) == true { break }
            guard election.fence.activeEpoch() == epoch else { demote(cause: "the sync key could not be written before the lease's deadline") }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let syncWriter = SyncKeyWriter(election: election, key: syncKey, epoch: epoch, node: me, logger: logger)
        var adjusted = configuration
        adjusted.settings.replicationBind = [cluster.replicationBind]
        let settings = adjusted
        let fence = election.fence
        let role = ClusterRole(
            node: me, epoch: epoch, epochBase: position.withLock { $0.seq }, fence: fence,
            fenced: { [self] in
                Thread.detachNewThread { self.demote(cause: "the lease's deadline passed before a keep-alive renewed it") }
            },
            syncSetChanged: { members in syncWriter.write(members) },
            status: {
                var status = StatsMessage.Cluster()
                (status.node, status.role, status.active) = (me, "active", me)
                status.epoch = UInt64(epoch)
                let now = LeaseFence.bootTimeNs(), deadline = fence.deadline
                status.leaseRemainingMs = deadline > now ? (deadline - now) / 1_000_000 : 0
                status.takeovers = 1
                return status
            })
        let made: Result<Daemon, DaemonError> = await withCheckedContinuation { done in
            Thread.detachNewThread { [logger, run] in
                do throws(DaemonError) {
                    done.resume(returning: .success(try Daemon(configuration: settings, logger: logger, run: run, cluster: role)))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        let daemon: Daemon
        switch made {
        case .failure(let error):
            await election.resign()
            throw fail(error)
        case .success(let value):
            daemon = value
        }
        let readyNs = LeaseFence.bootTimeNs()
        logger.notice(
            "takeover: this node is the active one",
            metadata: [
                "epoch": "\(epoch)", "epoch.previous": "\(previousEpoch)", "base_seq": "\(role.epochBase)",
                "standby_ms": "\((wonNs - standbySinceNs) / 1_000_000)", "restore_ms": "\((readyNs - wonNs) / 1_000_000)",
            ])
        // Demoted by the election (lease gone, leader key changed): stop at once.
        let watch = Task { [self] in
            for await event in election.events {
                if case .demoted(_, let cause) = event { demote(cause: cause.rawValue) }
            }
        }
        defer { watch.cancel() }
        started(daemon)
        handle.set(daemon)
        try await daemon.run()
        // An orderly stop: the last commits went out; let a standby take over at once.
        await election.resign()
    }

    /// Stops publishing for good: logged, then the process exits for its supervisor to start
    /// it again as a standby.
    private func demote(cause: String) -> Never {
        logger.error("demoted: this node stops being the active one and exits to rejoin as a standby", metadata: ["cause": "\(cause)"])
        demoted()
    }

    private func fail(_ error: DaemonError) -> DaemonError {
        failed.withLock { $0 = error }
        return error
    }
}

/// Writes the set of synchronous standbys to the cluster's sync key, newest set last, guarded
/// by the active node's epoch, on a task of its own.
///
/// A set that only grows is written in the background: a standby named late in etcd is only
/// eligible late. A set that loses a member is waited for (``write(_:)`` returns once etcd has it,
/// or once the fence has closed): the journal's writer calls it between a commit and its
/// publication, so that nothing the dropped standby lacks is published while etcd still names it
/// as a node that may take over (docs/failover.md, section 6.3).
final class SyncKeyWriter: Sendable {
    private let continuation: AsyncStream<(version: UInt64, members: [String])>.Continuation
    /// The last set asked for and its version; the newest version etcd holds.
    private let state = Shared((requested: UInt64(0), members: Set<String>(), written: UInt64(0)))
    private let fence: LeaseFence
    private let epoch: Int64

    init(election: Election, key: String, epoch: Int64, node: String, logger: Logger) {
        let (stream, continuation) = AsyncStream.makeStream(of: (version: UInt64, members: [String]).self, bufferingPolicy: .bufferingNewest(1))
        self.continuation = continuation
        fence = election.fence
        self.epoch = epoch
        let state = state
        Task {
            for await (version, members) in stream {
                let value = ClusterNode.SyncValue(epoch: epoch, active: node, sync: members)
                guard let bytes = try? JSONEncoder.snakeCase.encode(value) else { continue }
                var written = false
                while !written && election.fence.activeEpoch() == epoch {
                    written = (try? await election.putAsActive(key, value: Array(bytes))) == true
                    if !written { try? await Task.sleep(for: .milliseconds(50)) }
                }
                if written {
                    state.withLock { $0.written = max($0.written, version) }
                    logger.info("sync set written", metadata: ["sync": "\(members.joined(separator: ","))"])
                } else {
                    logger.error("cannot write the sync set to etcd before the lease's deadline", metadata: ["sync": "\(members.joined(separator: ","))"])
                }
            }
        }
    }

    /// Asks for `members` to be written; when the set lost a member, returns only once etcd has
    /// it (or the fence has closed: then nothing is published anyway).
    func write(_ members: [String]) {
        let (version, shrinks) = state.withLock { state -> (UInt64, Bool) in
            state.requested += 1
            let shrinks = !Set(members).isSuperset(of: state.members)
            state.members = Set(members)
            return (state.requested, shrinks)
        }
        continuation.yield((version, members))
        guard shrinks else { return }
        while state.withLock({ $0.written }) < version && fence.activeEpoch() == epoch {
            usleep(2_000)
        }
    }

    deinit { continuation.finish() }
}

/// A value behind a lock, shared by reference with the election's candidacy.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}

extension JSONEncoder {
    /// snake_case keys, sorted: the cluster's keys in etcd.
    static var snakeCase: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension JSONDecoder {
    /// snake_case keys: the cluster's keys in etcd.
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
