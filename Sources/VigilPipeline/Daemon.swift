import Dispatch
import Foundation
import Logging
import Synchronization
import VigilConfig
import VigilCore
import VigilJournal
import VigilWire
import ZeroMQ

/// vigild's pipeline, wired: ingest thread → processing queue → journal thread (journal, then
/// publish), plus the control and catch-up threads. On creation it resumes the state the journal
/// holds. Start it, then ``shutdown()`` it in order: stop intake, drain, journal and publish what
/// is due, close.
public final class Daemon: Sendable {
    private let context: ZMQContext
    /// In start order: the ZAP handler (with CURVE), catch-up, control, journal, processing,
    /// ingest. Stopped in reverse: intake first, the servers next, the ZAP handler last.
    private let stages: StageSet
    private let ingest: IngestStage
    private let processing: ProcessingStage
    private let publisher: JournalStage
    private let catchup: CatchUpServer?
    private let zap: ZapHandler?
    private let connections: ConnectionGuard
    private let settings: DaemonSettings
    /// The security in force (as loaded, or as last reloaded by ``reloadSecurity(_:)``).
    private let loadedSecurity: Mutex<SecuritySettings>
    let logger: Logger
    private let run: RunStats?
    /// This node's status in its cluster, when it runs as a cluster's active node.
    private let clusterStatus: (@Sendable () -> StatsMessage.Cluster)?
    /// Set once ``start()`` has started every stage.
    private let started = Atomic<Bool>(false)
    /// What the control socket's `reload` runs (set by the executable that knows the files).
    private let reloader: ReloadBox

    /// Opens the journal and resumes the state it holds, creates every socket and binds every
    /// endpoint; throws naming the endpoint or file that failed, with everything it opened closed.
    /// `run` (this start, and how the last one ended) is reported in `stats`.
    /// In a cluster, `cluster` is the role of the active node this daemon runs as.
    public init(configuration: VigilConfiguration, logger: Logger, run: RunStats? = nil, cluster: ClusterRole? = nil) throws(DaemonError) {
        self.logger = logger
        self.run = run
        clusterStatus = cluster?.status
        settings = configuration.settings
        loadedSecurity = Mutex(configuration.security)
        do {
            context = try ZMQContext(ioThreads: 1)
        } catch {
            throw DaemonError(.socket, "cannot create the ZeroMQ context: \(error)")
        }
        let settings = settings
        var made = StageSet()
        do throws(DaemonError) {
            // The ZAP handler first: bound before any CURVE socket, stopped after all of them.
            var security = try EndpointSecurity(configuration.security)
            let zap = security.secretKey == nil
                ? nil : made.add(try ZapHandler(context: context, lists: EndpointSecurity.lists(configuration.security), logger: logger))
            // The connection guard next: its monitors connect before the endpoints they watch exist.
            let connections = made.add(
                try ConnectionGuard(
                    context: context, domains: Daemon.boundDomains(settings),
                    limits: Daemon.connectionLimits(configuration.security, curve: security.secretKey != nil, logger: logger), logger: logger))
            security.monitored = true
            let publisher = made.add(try JournalStage(context: context, settings: settings, security: security, cluster: cluster, logger: logger))
            let store = settings.stateDirectory.isEmpty ? nil : SilenceStore(directory: settings.stateDirectory)
            let silences = try store?.load(nowMs: WallClock.nowMs()) ?? []
            if let store, !silences.isEmpty { logger.notice("silences restored", metadata: ["silences": "\(silences.count)", "path": "\(store.path)"]) }
            let (state, closing) = Daemon.resume(
                DaemonState(engine: configuration.makeEngine(), gate: AlertGate(silences: silences), visibleOpen: [:]),
                from: publisher.restored, alertState: publisher.restoredAlertState, log: publisher.restoredLog, lastSeq: publisher.journal?.lastSeq ?? 0,
                logger: logger)
            let processing = made.add(
                ProcessingStage(
                    state: state, outbox: closing, keepsState: publisher.journal != nil, silenceStore: store, logger: logger,
                    rejectionLogIntervalSeconds: settings.rejectionLogIntervalSeconds
                ) { [weak publisher] in
                    publisher?.notify()
                })
            publisher.takeWork { [processing] wanted in processing.take(wanted) }
            let box = IngestBox()
            let ingest = made.add(
                try IngestStage(
                    context: context, settings: settings, security: security,
                    rights: security.secretKey == nil ? nil : EndpointSecurity.rights(configuration.security), cameras: CameraRegistry(configuration.cameras), logger: logger) { frames, receivedNs, inline in
                    processing.submit(frames, receivedNs: receivedNs, inline: inline) { [weak box] in box?.stage?.batchDone() }
                })
            box.stage = ingest
            let catchup = settings.catchupBind.isEmpty
                ? nil : made.add(try CatchUpServer(context: context, endpoint: settings.catchupBind, security: security, journalPath: publisher.journal?.path, logger: logger))
            let reloader = ReloadBox()
            self.reloader = reloader
            let control = settings.controlBind.isEmpty
                ? nil : made.add(
                    try ControlServer(context: context, endpoint: settings.controlBind, security: security, logger: logger) { command, user in
                        if command == "reload" { return reloader.answer(operator: user) }
                        return Daemon.answer(
                            command, operator: user, ingest: ingest, processing: processing, publisher: publisher, catchup: catchup, zap: zap,
                            connections: connections, run: run, settings: settings, cluster: cluster?.status)
                    })
            var stages = StageSet()
            if let zap { stages.add(zap) }
            stages.add(connections)
            if let catchup { stages.add(catchup) }
            if let control { stages.add(control) }
            stages.add(publisher)
            stages.add(processing)
            stages.add(ingest)
            self.stages = stages
            self.publisher = publisher
            self.processing = processing
            self.ingest = ingest
            self.catchup = catchup
            self.zap = zap
            self.connections = connections
        } catch {
            made.cancelAll()
            throw error
        }
    }

    /// The state to start from: `fresh` with the journal's state applied: what the state log
    /// adds up to (``StateLogReplay``: its last whole state and the patches after it); in a
    /// journal of schema 2, the whole snapshot, or when the alert state stored with later alerts
    /// is newer, that alert state completed by the snapshot's targets of no incident
    /// (``AlertEngine/StateTargets``). When the engine's part cannot be resumed (the
    /// configuration changed, or the state is damaged), the engine starts fresh and every
    /// incident consumers saw open is resolved with the last message they saw of it, so none is
    /// left open for them.
    static func resume(
        _ fresh: DaemonState, from snapshot: JournalSnapshot?, alertState: JournalSnapshot? = nil, log: [StateLogRow] = [], lastSeq: UInt64,
        logger: Logger, origin: String? = nil
    ) -> (DaemonState, closing: [AlertMessage]) {
        if !log.isEmpty {
            // Rows are applied in order: a row that cannot be read ends the replay with the state
            // as of the row before it, older but whole.
            var replay = StateLogReplay()
            var applied = 0
            for row in log {
                do throws(StateError) {
                    try replay.apply(row.bytes)
                    applied += 1
                } catch {
                    logger.error(
                        "a row of the journal's state log cannot be read; resuming the state as of the row before it",
                        metadata: ["turn": "\(row.turn)", "rows.skipped": "\(log.count - applied)", "error": "\(error)"])
                    break
                }
            }
            do throws(StateError) {
                let assembled = try replay.assembled()
                return resume(
                    fresh, from: JournalSnapshot(seq: log[max(applied - 1, 0)].seq, takenMs: assembled.takenWallMs, bytes: assembled.bytes),
                    lastSeq: lastSeq, logger: logger,
                    origin: "state log (a whole state and \(applied - 1) patches, \(log.prefix(applied).reduce(0) { $0 + $1.bytes.count }) bytes)")
            } catch {
                logger.error("the journal's state log cannot be read; starting afresh (incidents open before are not resolved)", metadata: ["error": "\(error)"])
                return (fresh, [])
            }
        }
        // The newer of the two: the snapshot is stored after the alerts of its turn, so at equal
        // seq it is the later one.
        let alertStateIsNewer = alertState.map { partial in
            snapshot.map { partial.seq > $0.seq || (partial.seq == $0.seq && partial.takenMs > $0.takenMs) } ?? true
        } ?? false
        guard let newest = alertStateIsNewer ? alertState : snapshot else { return (fresh, []) }
        let decoded: DaemonStateCodec.Decoded
        do { decoded = try DaemonStateCodec.decode(newest.bytes) } catch {
            logger.error("the journal's state cannot be read; starting afresh (incidents open before are not resolved)", metadata: ["error": "\(error)"])
            return (fresh, [])
        }
        var state = fresh
        do throws(StateError) {
            var engine = StateReader(decoded.engine)
            let nowMs = WallClock.nowMs()
            if alertStateIsNewer, let snapshot, let whole = try? DaemonStateCodec.decode(snapshot.bytes) {
                var free = StateReader(whole.engine)
                do {
                    try state.engine.restoreState(
                        from: &engine, takenWallMs: decoded.takenWallMs, wallNowMs: nowMs, freeTargetsFrom: &free, takenWallMs: whole.takenWallMs)
                } catch {
                    // The snapshot's free targets are a nicety; the alert state alone keeps every incident.
                    logger.warning("the snapshot's targets cannot be read; resuming the incidents without them", metadata: ["error": "\(error)"])
                    engine = StateReader(decoded.engine)
                    try state.engine.restoreState(from: &engine, takenWallMs: decoded.takenWallMs, wallNowMs: nowMs)
                }
            } else {
                try state.engine.restoreState(from: &engine, takenWallMs: decoded.takenWallMs, wallNowMs: nowMs, resumeFromWallMs: decoded.resumeFromWallMs)
            }
            var gate = StateReader(decoded.gate)
            try state.gate.restoreState(from: &gate)
            guard gate.isAtEnd else { throw StateError("the silences' state has bytes after its end") }
            state.visibleOpen = Dictionary(decoded.visibleOpen.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            let stats = state.engine.stats
            logger.notice(
                "state resumed from the journal",
                metadata: [
                    "seq": "\(lastSeq)", "incidents.open": "\(stats.incidentsOpen + stats.healthIncidentsOpen)",
                    "targets": "\(stats.targetsActive)", "taken_ms_ago": "\(nowMs - decoded.takenWallMs)",
                    "from": "\(origin ?? (alertStateIsNewer ? "alert state and snapshot" : "snapshot"))",
                ])
            return (state, [])
        } catch {
            let closing = decoded.visibleOpen.map { event in
                var resolved = event
                resolved.state = .resolved
                return resolved
            }
            logger.warning(
                "the engine's state cannot be resumed; starting afresh and resolving the incidents consumers have open",
                metadata: ["error": "\(error)", "incidents.resolved": "\(closing.count)"])
            state = fresh
            return (state, closing)
        }
    }

    /// Starts the stages in order: the catch-up and control servers, the journal, processing,
    /// and last ingest, so that nothing is taken in before what follows it runs.
    public func start() {
        stages.startAll()
        started.store(true, ordering: .releasing)
        logger.info(
            "vigild started",
            metadata: [
                "ingest.bind": "\(settings.ingestBind.joined(separator: ","))", "ingest.connect": "\(settings.ingestConnect.joined(separator: ","))",
                "publish.bind": "\(settings.publishBind.joined(separator: ","))", "control.bind": "\(settings.controlBind)",
                "catchup.bind": "\(settings.catchupBind)", "journal": "\(publisher.journal?.path ?? "none")",
                // The journal belongs to the writer thread, started above: its counters, not the journal.
                "seq.last": "\(publisher.stats().lastSeq)",
                "zmq.version": "\(ZMQContext.libraryVersion)",
            ])
    }

    /// Orderly shutdown within the configured timeout, the stages in reverse order: stop intake,
    /// drain processing, journal (with the final state) and publish what is due, then stop the
    /// control and catch-up servers. Returns the final counters.
    @discardableResult
    public func shutdown() -> PipelineStats {
        let late = stages.stopAll(deadline: DispatchTime.now() + settings.shutdownTimeoutSeconds)
        for name in late { logger.warning("a stage did not stop in time", metadata: ["stage": "\(name)"]) }
        let final = stats()
        // Terminating the context waits (up to the alert socket's linger) for the last alerts to
        // leave. Only when every socket is closed: otherwise it would wait for ever.
        if late.isEmpty { context.terminate() }
        logger.info("vigild stopped", metadata: Daemon.metadata(final))
        return final
    }

    /// Puts the key lists and camera rights of `security` in force at once: a key no longer
    /// listed is refused at its next handshake, and a gateway no longer listed (or no longer
    /// allowed a camera) has its next frame refused, whatever connection it holds. vigild's own
    /// certificate, and whether the endpoints speak CURVE at all, are kept until a restart.
    /// Returns what was done, one line each, for the log.
    public func reloadSecurity(_ security: SecuritySettings) -> [String] {
        guard let zap else {
            return security.isCurve ? ["security.server_certificate was added: CURVE starts with the next start of vigild; nothing changed now"] : []
        }
        guard security.isCurve else {
            return ["security.server_certificate was removed: the endpoints stay CURVE until the next start; the key lists are unchanged"]
        }
        let loaded = loadedSecurity.withLock { current in
            defer { current = security }
            return current
        }
        var notes: [String] = []
        if security.serverCertificate != loaded.serverCertificate {
            notes.append("security.server_certificate changed: vigild keeps its key until the next start")
        }
        zap.replace(EndpointSecurity.lists(security))
        ingest.replaceRights(EndpointSecurity.rights(security))
        for (list, old, new) in [
            ("gateways", loaded.gateways, security.gateways), ("consumers", loaded.consumers, security.consumers),
            ("operators", loaded.operators, security.operators),
        ] {
            let before = Set(old.map(\.name)), after = Set(new.map(\.name))
            if before != after || old != new {
                notes.append(
                    "\(list): \(new.count) keys; added \(after.subtracting(before).sorted()), removed \(before.subtracting(after).sorted()), "
                        + "changed \(new.filter { peer in old.contains { $0.name == peer.name && $0 != peer } }.map(\.name).sorted())")
            }
        }
        return notes.isEmpty ? ["the key lists are unchanged"] : notes
    }

    /// The endpoints the daemon binds, by ZAP domain (the connection guard watches these).
    static func boundDomains(_ settings: DaemonSettings) -> [ZapHandler.Domain] {
        var domains: [ZapHandler.Domain] = []
        // The ingest socket is watched whether it binds or only connects: a monitor nobody reads
        // fills (1,000 events: a gateway that is down makes a few every reconnect interval) and
        // then blocks libzmq's I/O thread, and with it every socket of the daemon.
        if !settings.ingestBind.isEmpty || !settings.ingestConnect.isEmpty { domains.append(.ingest) }
        if !settings.publishBind.isEmpty { domains.append(.alerts) }
        if !settings.catchupBind.isEmpty { domains.append(.catchup) }
        if !settings.controlBind.isEmpty { domains.append(.control) }
        if !settings.replicationBind.isEmpty { domains.append(.replication) }
        return domains
    }

    /// `security.max_connections`, lowered (with a warning) to what the open-files limit leaves.
    static func connectionLimits(_ security: SecuritySettings, curve: Bool, logger: Logger) -> ConnectionGuard.Limits {
        var limit = rlimit()
        let openFiles = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? UInt64(limit.rlim_cur) : 1_024
        let effective = ConnectionGuard.effectiveLimit(wanted: security.maxConnections, openFiles: openFiles)
        if effective < security.maxConnections {
            logger.warning(
                "security.max_connections lowered to what the open-files limit leaves for four endpoints",
                metadata: ["max_connections": "\(effective)", "configured": "\(security.maxConnections)", "open_files": "\(openFiles)"])
        }
        return ConnectionGuard.Limits(maxConnections: effective, curve: curve)
    }

    /// Has `observer` told of every batch of alert messages right after it is published, on the
    /// journal's writer thread: it must return at once. Call before ``start()``.
    public func observePublished(_ observer: @escaping @Sendable ([JournalRecord]) -> Void) {
        publisher.observePublished(observer)
    }

    /// Goes on with the cameras, zones and rules of `configuration`, read again while the daemon
    /// runs: between two batches, the running state (targets, open incidents, clocks, camera
    /// health) is carried into an engine made from it, and a whole snapshot is journaled at once.
    /// Returns why not, changing nothing, when the state cannot be carried over (cameras or
    /// border lines changed, zones or rules removed or reordered: see
    /// `AlertEngine.reloadRefusal(into:)`); such a change takes a restart.
    public func reloadEngine(_ configuration: VigilConfiguration) -> String? {
        if let refusal = processing.reload(configuration.makeEngine()) { return refusal }
        publisher.requestSnapshot()
        return nil
    }

    /// Has the control socket's `reload` run `reload`, which reads the configuration again and
    /// puts it in force, returning what it did (one line each) or why it refused.
    public func onReload(_ reload: @escaping @Sendable (_ operator: String?) -> Result<[String], ReloadRefusal>) {
        reloader.set(reload)
    }

    /// Publishes `payload` on the alert socket under `topic`, outside the alert stream (no
    /// `seq`): operators' reviews (`review.<incident>`), which consumers of `alert.` never see.
    public func publish(topic: String, payload: [UInt8]) {
        publisher.publish(topic: topic, payload: payload)
    }

    /// The journal's file; nil when the daemon keeps no state.
    public var journalPath: String? { publisher.journal?.path }

    /// Whether the daemon does its work now, check by check: ingest is subscribed (every stage
    /// started), the journal takes the alerts (none waits for a commit that failed).
    public func readiness() -> [ReadinessCheck] {
        let ingestOK = started.load(ordering: .acquiring)
        let endpoints = (settings.ingestBind.map { "bound to \($0)" } + settings.ingestConnect.map { "connected to \($0)" }).joined(separator: ", ")
        var checks = [ReadinessCheck(name: "ingest", ok: ingestOK, detail: ingestOK ? "subscribed: \(endpoints)" : "not started yet")]
        let journal = publisher.stats()
        if publisher.journal == nil {
            checks.append(ReadinessCheck(name: "journal", ok: true, detail: "none (state.dir is empty): alerts are published without a journal"))
        } else if journal.pending > 0 {
            checks.append(
                ReadinessCheck(
                    name: "journal", ok: false,
                    detail: "\(journal.pending) alerts wait unpublished: the journal refuses to commit (\(journal.failures) failures; a full disk?)"))
        } else {
            checks.append(ReadinessCheck(name: "journal", ok: true, detail: "writable: last seq \(journal.lastSeq)"))
        }
        return checks
    }

    /// Every counter now.
    public func stats() -> PipelineStats {
        Daemon.collect(
            ingest: ingest, processing: processing, publisher: publisher, catchup: catchup, zap: zap, connections: connections, run: run,
            cluster: clusterStatus)
    }

    private static func collect(
        ingest: IngestStage, processing: ProcessingStage, publisher: JournalStage, catchup: CatchUpServer?, zap: ZapHandler?,
        connections: ConnectionGuard, run: RunStats?, cluster: (@Sendable () -> StatsMessage.Cluster)?
    ) -> PipelineStats {
        let processed = processing.stats()
        var stats = PipelineStats(
            ingest: ingest.stats, engine: processed.engine, processingRejected: processed.rejected, processed: processed.processed,
            publish: publisher.stats(), catchup: catchup?.stats() ?? CatchUpStats(), silenced: processed.silenced, silences: processed.silences,
            framesMissingByCamera: processed.framesMissingByCamera, run: run, handshakes: zap?.stats(), connections: connections.stats())
        stats.replication = publisher.replication?.status()
        if var status = cluster?() {
            status.seq = stats.publish.lastSeq
            stats.cluster = status
        }
        return stats
    }

    private static func answer(
        _ command: String, operator user: String?, ingest: IngestStage, processing: ProcessingStage, publisher: JournalStage, catchup: CatchUpServer?,
        zap: ZapHandler?, connections: ConnectionGuard, run: RunStats?, settings: DaemonSettings, cluster: (@Sendable () -> StatsMessage.Cluster)?
    ) -> [UInt8] {
        switch command {
        case "ping":
            return Array(#"{"ok":true}"#.utf8)
        case "stats":
            return collect(
                ingest: ingest, processing: processing, publisher: publisher, catchup: catchup, zap: zap, connections: connections, run: run,
                cluster: cluster
            ).message.encoded()
        case _ where command.hasPrefix("silence"):
            return SilenceCommand.answer(command, operator: user, maxDurationMs: settings.silenceMaxDurationMs, processing: processing)
        default:
            return Array(#"{"ok":false,"error":"unknown command; expected stats, ping, reload, silence add|list|remove"}"#.utf8)
        }
    }

    private static func metadata(_ stats: PipelineStats) -> Logger.Metadata {
        [
            "frames.received": "\(stats.ingest.received)", "frames.processed": "\(stats.processed)",
            "frames.duplicate": "\(stats.engine.framesDuplicate)",
            "frames.rejected": "\(stats.rejected.values.reduce(0, +))", "alerts.published": "\(stats.publish.published)",
        ]
    }
}

/// Lets the ingest stage's delivery closure reach the stage it belongs to (created after it).
/// The stage holds the closure, so the box holds the stage weakly.
/// `@unchecked Sendable`: `stage` is written once, before the ingest thread starts.
private final class IngestBox: @unchecked Sendable {
    weak var stage: IngestStage?
}

/// One check of ``Daemon/readiness()``.
public struct ReadinessCheck: Sendable, Equatable {
    /// What is checked: `ingest`, `journal`, …
    public var name: String
    /// Whether it passes.
    public var ok: Bool
    /// What was found, for a person.
    public var detail: String

    /// A check's result.
    public init(name: String, ok: Bool, detail: String) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

/// Why a reload was refused: a configuration with a mistake, or a change that takes a restart.
public struct ReloadRefusal: Error, Sendable, CustomStringConvertible {
    /// The reason, for the log and the operator.
    public var description: String

    /// A refusal.
    public init(_ description: String) { self.description = description }
}

/// The control socket's `reload`: runs the reload the executable set, answers with what it did.
final class ReloadBox: Sendable {
    private let reload = Mutex<(@Sendable (String?) -> Result<[String], ReloadRefusal>)?>(nil)

    func set(_ reload: @escaping @Sendable (String?) -> Result<[String], ReloadRefusal>) {
        self.reload.withLock { $0 = reload }
    }

    func answer(operator user: String?) -> [UInt8] {
        guard let reload = reload.withLock({ $0 }) else {
            return Array(#"{"ok":false,"error":"this daemon does not reload (no configuration file)"}"#.utf8)
        }
        func quoted(_ text: String) -> String {
            var out: [UInt8] = []
            JSONString.append(text, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        switch reload(user) {
        case .success(let notes):
            return Array((#"{"ok":true,"notes":["# + notes.map(quoted).joined(separator: ",") + "]}").utf8)
        case .failure(let refusal):
            return Array((#"{"ok":false,"error":"# + quoted(refusal.description) + "}").utf8)
        }
    }
}
