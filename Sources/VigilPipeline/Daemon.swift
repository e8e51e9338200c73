import Dispatch
import Foundation
import Logging
import VigilConfig
import VigilCore
import VigilJournal
import ZeroMQ

/// vigild's pipeline, wired: ingest thread → processing queue → journal thread (journal, then
/// publish), plus the control and catch-up threads. On creation it resumes the state the journal
/// holds. Start it, then ``shutdown()`` it in order: stop intake, drain, journal and publish what
/// is due, close.
public final class Daemon: Sendable {
    private let context: ZMQContext
    private let ingest: IngestStage
    private let processing: ProcessingStage
    private let publisher: JournalStage
    private let control: ControlServer?
    private let catchup: CatchUpServer?
    private let settings: DaemonSettings
    private let logger: Logger
    private let run: RunStats?

    /// Opens the journal and resumes the state it holds, creates every socket and binds every
    /// endpoint; throws (closing what was opened) naming the endpoint or file that failed.
    /// `run` (this start, and how the last one ended) is reported in `stats`.
    public init(configuration: VigilConfiguration, logger: Logger, run: RunStats? = nil) throws(DaemonError) {
        self.logger = logger
        self.run = run
        settings = configuration.settings
        do {
            context = try ZMQContext(ioThreads: 1)
        } catch {
            throw DaemonError(.socket, "cannot create the ZeroMQ context: \(error)")
        }
        let registry = CameraRegistry(configuration.cameras)
        let publisher = try JournalStage(context: context, settings: settings, logger: logger)
        let store = settings.stateDirectory.isEmpty ? nil : SilenceStore(directory: settings.stateDirectory)
        let silences: [Silence]
        do { silences = try store?.load(nowMs: WallClock.nowMs()) ?? [] } catch {
            publisher.close()
            throw error
        }
        if !silences.isEmpty { logger.notice("silences restored", metadata: ["silences": "\(silences.count)", "path": "\(store!.path)"]) }
        let (state, closing) = Daemon.resume(
            DaemonState(engine: configuration.makeEngine(), gate: AlertGate(silences: silences), visibleOpen: [:]),
            from: publisher.restored, lastSeq: publisher.journal?.lastSeq ?? 0, logger: logger)
        let processing = ProcessingStage(
            state: state, outbox: closing, keepsState: publisher.journal != nil, silenceStore: store, logger: logger,
            rejectionLogIntervalSeconds: settings.rejectionLogIntervalSeconds
        ) { [weak publisher] in
            publisher?.notify()
        }
        let ingest: IngestStage
        do {
            let box = IngestBox()
            ingest = try IngestStage(context: context, settings: settings, cameras: registry, logger: logger) { frames in
                processing.submit(frames) { [weak box] in box?.stage?.batchDone() }
            }
            box.stage = ingest
        } catch {
            publisher.close()
            throw error
        }
        var catchup: CatchUpServer?
        if !settings.catchupBind.isEmpty {
            do {
                catchup = try CatchUpServer(context: context, endpoint: settings.catchupBind, journalPath: publisher.journal?.path, logger: logger)
            } catch {
                ingest.cancel()
                publisher.close()
                throw error
            }
        }
        var control: ControlServer?
        if !settings.controlBind.isEmpty {
            do {
                control = try ControlServer(context: context, endpoint: settings.controlBind, logger: logger) { [processing, publisher, ingest, catchup] command in
                    Daemon.answer(command, ingest: ingest, processing: processing, publisher: publisher, catchup: catchup, run: run)
                }
            } catch {
                ingest.cancel()
                publisher.close()
                _ = catchup?.stop(deadline: .now())
                throw error
            }
        }
        self.publisher = publisher
        self.processing = processing
        self.ingest = ingest
        self.control = control
        self.catchup = catchup
    }

    /// The state to start from: `fresh` with the journal's snapshot applied. When the engine's
    /// part cannot be resumed (the configuration changed, or the snapshot is damaged), the engine
    /// starts fresh and every incident consumers saw open is resolved with the last message they
    /// saw of it, so none is left open for them.
    static func resume(
        _ fresh: DaemonState, from snapshot: JournalSnapshot?, lastSeq: UInt64, logger: Logger
    ) -> (DaemonState, closing: [AlertMessage]) {
        guard let snapshot else { return (fresh, []) }
        let decoded: DaemonStateCodec.Decoded
        do { decoded = try DaemonStateCodec.decode(snapshot.bytes) } catch {
            logger.error("the journal's state cannot be read; starting afresh (incidents open before are not resolved)", metadata: ["error": "\(error)"])
            return (fresh, [])
        }
        var state = fresh
        do throws(StateError) {
            var engine = StateReader(decoded.engine)
            try state.engine.restoreState(from: &engine, takenWallMs: decoded.takenWallMs, wallNowMs: WallClock.nowMs())
            var gate = StateReader(decoded.gate)
            try state.gate.restoreState(from: &gate)
            guard gate.isAtEnd else { throw StateError("the silences' state has bytes after its end") }
            state.visibleOpen = Dictionary(decoded.visibleOpen.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            let stats = state.engine.stats
            logger.notice(
                "state resumed from the journal",
                metadata: [
                    "seq": "\(lastSeq)", "incidents.open": "\(stats.incidentsOpen + stats.healthIncidentsOpen)",
                    "targets": "\(stats.targetsActive)", "taken_ms_ago": "\(WallClock.nowMs() - decoded.takenWallMs)",
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

    /// Starts the threads and the timer.
    public func start() {
        processing.start()
        publisher.start { [processing] wanted in processing.take(wanted) }
        ingest.start()
        control?.start()
        catchup?.start()
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

    /// Orderly shutdown within the configured timeout: stop intake, drain processing, journal
    /// (with the final state) and publish what is due, close the sockets. Returns the final counters.
    @discardableResult
    public func shutdown() -> PipelineStats {
        let deadline = DispatchTime.now() + settings.shutdownTimeoutSeconds
        let ingestStopped = ingest.stop(deadline: deadline)
        if !ingestStopped { logger.warning("ingest did not stop in time") }
        processing.drain()
        let journalStopped = publisher.stop(deadline: deadline)
        if !journalStopped { logger.warning("the journal did not finish in time") }
        let final = stats()
        let controlStopped = control?.stop(deadline: deadline) ?? true
        let catchupStopped = catchup?.stop(deadline: deadline) ?? true
        // Terminating the context waits (up to the alert socket's linger) for the last alerts to
        // leave. Only when every socket is closed: otherwise it would wait for ever.
        if ingestStopped && journalStopped && controlStopped && catchupStopped { context.terminate() }
        logger.info("vigild stopped", metadata: Daemon.metadata(final))
        return final
    }

    /// Every counter now.
    public func stats() -> PipelineStats {
        Daemon.collect(ingest: ingest, processing: processing, publisher: publisher, catchup: catchup, run: run)
    }

    private static func collect(
        ingest: IngestStage, processing: ProcessingStage, publisher: JournalStage, catchup: CatchUpServer?, run: RunStats?
    ) -> PipelineStats {
        let processed = processing.stats()
        return PipelineStats(
            ingest: ingest.stats, engine: processed.engine, processingRejected: processed.rejected, processed: processed.processed,
            publish: publisher.stats(), catchup: catchup?.stats() ?? CatchUpStats(), silenced: processed.silenced, silences: processed.silences,
            framesMissingByCamera: processed.framesMissingByCamera, run: run)
    }

    private static func answer(
        _ command: String, ingest: IngestStage, processing: ProcessingStage, publisher: JournalStage, catchup: CatchUpServer?, run: RunStats?
    ) -> [UInt8] {
        switch command {
        case "ping":
            return Array(#"{"ok":true}"#.utf8)
        case "stats":
            return collect(ingest: ingest, processing: processing, publisher: publisher, catchup: catchup, run: run).message.encoded()
        case _ where command.hasPrefix("silence"):
            return SilenceCommand.answer(command, processing: processing)
        default:
            return Array(#"{"ok":false,"error":"unknown command; expected stats, ping, silence add|list|remove"}"#.utf8)
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
