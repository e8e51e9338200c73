import Dispatch
import Foundation
import Logging
import VigilConfig
import VigilCore
import ZeroMQ

/// vigild's pipeline, wired: ingest thread → processing queue → publish queue, plus the control
/// thread. Start it, then ``shutdown()`` it in order: stop intake, drain, publish what is due, close.
public final class Daemon: Sendable {
    private let context: ZMQContext
    private let ingest: IngestStage
    private let processing: ProcessingStage
    private let publisher: PublishStage
    private let control: ControlServer?
    private let settings: DaemonSettings
    private let logger: Logger

    /// Creates every socket and binds every endpoint; throws (closing what was opened) naming
    /// the endpoint that could not be bound.
    public init(configuration: VigilConfiguration, logger: Logger) throws(DaemonError) {
        self.logger = logger
        settings = configuration.settings
        do {
            context = try ZMQContext(ioThreads: 1)
        } catch {
            throw DaemonError(.socket, "cannot create the ZeroMQ context: \(error)")
        }
        let registry = CameraRegistry(configuration.cameras)
        let engine = configuration.makeEngine()
        let publisher = try PublishStage(
            context: context, endpoints: settings.publishBind, sendHighWaterMark: settings.sendHighWaterMark, logger: logger)
        let store = settings.stateDirectory.isEmpty ? nil : SilenceStore(directory: settings.stateDirectory)
        let silences: [Silence]
        do { silences = try store?.load(nowMs: WallClock.nowMs()) ?? [] } catch {
            publisher.close()
            throw error
        }
        if !silences.isEmpty { logger.notice("silences restored", metadata: ["silences": "\(silences.count)", "path": "\(store!.path)"]) }
        let processing = ProcessingStage(
            engine: engine, silences: silences, silenceStore: store, logger: logger, rejectionLogIntervalSeconds: settings.rejectionLogIntervalSeconds
        ) {
            publisher.publish($0)
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
        var control: ControlServer?
        if !settings.controlBind.isEmpty {
            do {
                control = try ControlServer(context: context, endpoint: settings.controlBind, logger: logger) { [processing, publisher, ingest] command in
                    Daemon.answer(command, ingest: ingest, processing: processing, publisher: publisher)
                }
            } catch {
                ingest.cancel()
                publisher.close()
                throw error
            }
        }
        self.publisher = publisher
        self.processing = processing
        self.ingest = ingest
        self.control = control
    }

    /// Starts the threads and the timer.
    public func start() {
        processing.start()
        ingest.start()
        control?.start()
        logger.info(
            "vigild started",
            metadata: [
                "ingest.bind": "\(settings.ingestBind.joined(separator: ","))", "ingest.connect": "\(settings.ingestConnect.joined(separator: ","))",
                "publish.bind": "\(settings.publishBind.joined(separator: ","))", "control.bind": "\(settings.controlBind)",
                "zmq.version": "\(ZMQContext.libraryVersion)",
            ])
    }

    /// Orderly shutdown within the configured timeout: stop intake, drain processing, publish
    /// what is due, close the sockets. Returns the final counters.
    @discardableResult
    public func shutdown() -> PipelineStats {
        let deadline = DispatchTime.now() + settings.shutdownTimeoutSeconds
        let ingestStopped = ingest.stop(deadline: deadline)
        if !ingestStopped { logger.warning("ingest did not stop in time") }
        processing.drain()
        let final = stats()
        publisher.close()
        let controlStopped = control?.stop(deadline: deadline) ?? true
        // Terminating the context waits (up to the alert socket's linger) for the last alerts to
        // leave. Only when every socket is closed: otherwise it would wait for ever.
        if ingestStopped && controlStopped { context.terminate() }
        logger.info("vigild stopped", metadata: Daemon.metadata(final))
        return final
    }

    /// Every counter now.
    public func stats() -> PipelineStats {
        Daemon.collect(ingest: ingest, processing: processing, publisher: publisher)
    }

    private static func collect(ingest: IngestStage, processing: ProcessingStage, publisher: PublishStage) -> PipelineStats {
        let processed = processing.stats()
        return PipelineStats(
            ingest: ingest.stats, engine: processed.engine, processingRejected: processed.rejected, processed: processed.processed,
            publish: publisher.stats(), silenced: processed.silenced, silences: processed.silences)
    }

    private static func answer(_ command: String, ingest: IngestStage, processing: ProcessingStage, publisher: PublishStage) -> [UInt8] {
        switch command {
        case "ping":
            return Array(#"{"ok":true}"#.utf8)
        case "stats":
            return StatsJSON.encode(collect(ingest: ingest, processing: processing, publisher: publisher))
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
