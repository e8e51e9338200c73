import ArgumentParser
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import VigilConfig
import VigilPipeline
import VigilWire

#if canImport(Glibc)
import Glibc
#endif

/// `vigild`: the Vigil daemon. Subscribes to gateways' detections, publishes alerts.
@main
struct VigilDaemon: AsyncParsableCommand {
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

    func run() async throws {
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
        // Every connection is a file descriptor: idle or half-open TCP connections must not use
        // up a soft limit of 1,024 and leave a real gateway without a socket.
        let files = Self.raiseOpenFileLimit()
        logger.info("open files limit", metadata: ["soft": "\(files.soft)", "hard": "\(files.hard)"])
        // After the flags: a --ingest-bind on a public address is checked like one in the file.
        do {
            for warning in try configuration.checkEndpointSecurity() { logger.warning("\(warning)") }
        } catch {
            FileHandle.standardError.write(Data("vigild: configuration error: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
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
        // SIGHUP re-reads the configuration and puts its key lists and camera rights in force (a
        // file with a mistake is refused whole: the running lists stay).
        let reloads = DispatchQueue(label: "vigil.reload")
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: reloads)
        let path = config
        hangup.setEventHandler {
            do {
                let reloaded = try VigilConfiguration.load(path: path)
                for note in daemon.reloadSecurity(reloaded.security) { logger.notice("reload: \(note)") }
                logger.notice("reloaded the key lists and camera rights (SIGHUP); other settings take effect at the next start", metadata: ["config": "\(path)"])
            } catch {
                logger.error("reload refused, the running configuration stays: \(error)")
            }
        }
        hangup.resume()
        defer { hangup.cancel() }
        // swift-service-lifecycle turns SIGINT and SIGTERM into the daemon's graceful shutdown:
        // its stages stop in reverse order (intake first), within state.shutdown_timeout_s.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: daemon)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do { try await group.run() } catch {
            logger.error("the service group failed", metadata: ["error": "\(error)"])
        }
        runFiles?.stopped()
    }
}

extension VigilDaemon {
    /// Raises the soft limit of open files to the hard limit (at most 1,048,576); returns both.
    static func raiseOpenFileLimit() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, 0) }
        let wanted = min(limit.rlim_max, 1 << 20)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

