import ArgumentParser
import Dispatch
import Foundation
import Logging
import VigilConfig
import VigilPipeline
import VigilWire

#if canImport(Glibc)
import Glibc
#endif

/// `vigild`: the Vigil daemon. Subscribes to gateways' detections, publishes alerts.
struct VigilDaemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigild",
        abstract: "Vigil daemon: thermal-camera detections in over ZeroMQ, border alerts out.",
        discussion: """
            Stops in order on SIGINT or SIGTERM: stop intake, drain, publish what is due, close. With a state \
            directory it keeps <state.dir>/vigild.run while it runs; found at a start, that file says the last \
            start ended abnormally (logged at error, counted in stats); scripts/supervise.sh restarts it and \
            leaves <state.dir>/vigild.exit with how it ended.
            """)

    @Option(name: .shortAndLong, help: "The daemon's settings file; zones, cameras and rules are read beside it.")
    var config = "Config/vigild.yaml"

    @Option(name: .customLong("ingest-bind"), help: "Detection endpoint to bind (repeatable; replaces ingest.bind).")
    var ingestBind: [String] = []

    @Option(name: .customLong("ingest-connect"), help: "Gateway endpoint to connect to (repeatable; replaces ingest.connect).")
    var ingestConnect: [String] = []

    @Option(name: .customLong("publish-bind"), help: "Alert endpoint to bind (repeatable; replaces publish.bind).")
    var publishBind: [String] = []

    @Option(name: .customLong("control-bind"), help: "Control endpoint for `vigil stats` (replaces control.bind; \"\" disables).")
    var controlBind: String?

    @Option(name: .customLong("catchup-bind"), help: "Catch-up endpoint for consumers (replaces catchup.bind; \"\" disables).")
    var catchupBind: String?

    @Option(name: .customLong("state-dir"), help: "Where the journal and the silences are kept across restarts (replaces state.dir; \"\" keeps nothing).")
    var stateDir: String?

    @Flag(help: "Mark every alert as an exercise (a drill, or a run fed by the simulator); replaces site.exercise.")
    var exercise = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() throws {
        var configuration: VigilConfiguration
        do {
            configuration = try VigilConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("vigild: configuration error: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if !ingestBind.isEmpty || !ingestConnect.isEmpty {
            configuration.settings.ingestBind = ingestBind
            configuration.settings.ingestConnect = ingestConnect
        }
        if !publishBind.isEmpty { configuration.settings.publishBind = publishBind }
        if let controlBind { configuration.settings.controlBind = controlBind }
        if let catchupBind { configuration.settings.catchupBind = catchupBind }
        if let stateDir { configuration.settings.stateDirectory = stateDir }
        if exercise { configuration.settings.engine.exercise = true }

        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "vigild")
        // Before the journaled state is resumed: did the last start end in order?
        var run = RunStats(pid: getpid(), startedMs: WallClock.nowMs())
        let stateDirectory = configuration.settings.stateDirectory
        let runFiles = stateDirectory.isEmpty ? nil : RunFiles(directory: stateDirectory)
        if let runFiles, let previous = runFiles.previousStart() {
            runFiles.report(previous, logger: logger)
            run.abnormalEnds = previous.abnormalEnds
            run.lastAbnormalEnd = previous.end
        }
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: configuration, logger: logger, run: run)
        } catch {
            FileHandle.standardError.write(Data("vigild: cannot start: \(error)\n".utf8))
            throw ExitCode(69)  // EX_UNAVAILABLE
        }
        do {
            try runFiles?.started(pid: run.pid, startedMs: run.startedMs, abnormalEnds: run.abnormalEnds)
        } catch {
            logger.warning(
                "cannot write the run file; an abnormal end of this start will not be reported at the next",
                metadata: ["path": "\(runFiles?.runPath ?? "")", "error": "\(error)"])
        }
        // Handlers first, so a signal that arrives while starting still stops in order.
        let signals = DispatchQueue(label: "vigil.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signals)
            source.setEventHandler {
                logger.info("shutting down", metadata: ["signal": "\(number == SIGINT ? "SIGINT" : "SIGTERM")"])
                daemon.shutdown()
                runFiles?.stopped()
                Foundation.exit(0)
            }
            source.resume()
            sources.append(source)
        }
        daemon.start()
        withExtendedLifetime(sources) { dispatchMain() }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

VigilDaemon.main()
