import ArgumentParser
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import VigilConfig
import VigilHTTP
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

    @Option(name: .customLong("http-bind"), help: "HTTP server's host:port for metrics, health and the console (replaces http.bind; \"\" disables).")
    var httpBind: String?

    @Option(name: .customLong("state-dir"), help: "Where the journal and the silences are kept across restarts (replaces state.dir; \"\" keeps nothing).")
    var stateDir: String?

    @Option(
        name: .customLong("replication-bind"),
        help: "Endpoint where standbys (`vigil follow`) copy the journal (repeatable); alerts are published once every synchronous standby holds them. In a cluster: replaces cluster.replication.bind.")
    var replicationBind: [String] = []

    @Option(name: .customLong("sync-timeout-ms"), help: "How long a commit waits for a synchronous standby before it is published without it (default 500).")
    var syncTimeoutMs: Int?

    @Option(name: .customLong("cluster-node"), help: "This node's name in its cluster (replaces cluster.node: one settings file for every node).")
    var clusterNode: String?

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
        if !replicationBind.isEmpty { configuration.settings.replicationBind = replicationBind }
        if let syncTimeoutMs {
            guard (1...60_000).contains(syncTimeoutMs) else {
                FileHandle.standardError.write(Data("vigild: --sync-timeout-ms: expected 1 to 60000 milliseconds; got \(syncTimeoutMs)\n".utf8))
                throw ExitCode(78)
            }
            configuration.settings.syncTimeoutMs = syncTimeoutMs
        }
        if let httpBind { configuration.settings.http.bind = httpBind }
        if let clusterNode { configuration.settings.cluster.node = clusterNode }
        // A cluster node serves its journal at cluster.replication.bind once it is active.
        if configuration.settings.cluster.isEnabled, let bind = replicationBind.first {
            configuration.settings.cluster.replicationBind = bind
            configuration.settings.replicationBind = []
        }
        do {
            try configuration.settings.cluster.checkNode()
        } catch {
            FileHandle.standardError.write(Data("vigild: configuration error: \(config): \(error.key): \(error.message)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
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
        // The HTTP server comes up first, so that /readyz says "resuming" while the daemon resumes
        // its journaled state (which can take a while with a large journal).
        let handle = DaemonHandle()
        let board = IncidentBoard()
        var http: HTTPServer?
        if let (host, port) = configuration.settings.http.hostAndPort {
            // Said before anything starts: a port in use is the usual mistake.
            if let problem = HTTPServer.checkBind(host: host, port: port) {
                FileHandle.standardError.write(Data("vigild: cannot start: http.bind \(configuration.settings.http.bind): \(problem)\n".utf8))
                throw ExitCode(69)  // EX_UNAVAILABLE
            }
            let metrics = MetricsExporter()
            metrics.bootstrap()
            let folder = URL(fileURLWithPath: config).deletingLastPathComponent()
            let site = ConsoleSite(
                zones: configuration.zonesPath, cameras: configuration.camerasPath,
                places: folder.appendingPathComponent("data/iraq-syria/places.geojson").path, exercise: configuration.settings.engine.exercise)
            do {
                http = try HTTPServer(
                    settings: configuration.settings.http, configurationFile: config, handle: handle, metrics: metrics, board: board, site: site,
                    logger: logger)
            } catch {
                FileHandle.standardError.write(Data("vigild: configuration error: \(config): \(error)\n".utf8))
                throw ExitCode(78)  // EX_CONFIG
            }
        }
        let thisRun = run
        let consoles = http != nil
        let reloader = Reloader(path: config, exercise: exercise, handle: handle, http: http, logger: logger)
        let launcher = DaemonLauncher(configuration: configuration, logger: logger, run: thisRun, handle: handle) { daemon in
            daemon.onReload { user in reloader.reload(cause: "vigil reload by \(user ?? "an operator")") }
            if consoles {
                // The console's open incidents: the journal's latest, then every alert as published.
                if let path = daemon.journalPath { board.load(journal: path) }
                daemon.observePublished { records in board.published(records) }
            }
            do {
                try runFiles?.started(pid: thisRun.pid, startedMs: thisRun.startedMs, abnormalEnds: thisRun.abnormalEnds)
            } catch {
                logger.warning(
                    "cannot write the run file; an abnormal end of this start will not be reported at the next",
                    metadata: ["path": "\(runFiles?.runPath ?? "")", "error": "\(error)"])
            }
        } demoted: {
            // Not an abnormal end: the supervisor starts the node again, as a standby.
            runFiles?.stopped()
            Glibc.exit(ClusterNode.demotedStatus)
        }
        // SIGHUP reads the configuration again and puts it in force (Reloader: a file with a
        // mistake, or a change that takes a restart, is refused whole and the running one stays).
        let reloads = DispatchQueue(label: "vigil.sighup")
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: reloads)
        hangup.setEventHandler {
            _ = reloader.reload(cause: "SIGHUP")
        }
        hangup.resume()
        defer { hangup.cancel() }
        // swift-service-lifecycle turns SIGINT and SIGTERM into the daemon's graceful shutdown:
        // its stages stop in reverse order (intake first), within state.shutdown_timeout_s.
        // Services stop in reverse order: the daemon first (intake, drain, journal, publish), then HTTP.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let http { services.append(.init(service: http.application)) }
        services.append(.init(service: launcher))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        var failure: (any Error)?
        do { try await group.run() } catch { failure = error }
        if let error = launcher.failure {
            FileHandle.standardError.write(Data("vigild: cannot start: \(error)\n".utf8))
            throw ExitCode(69)  // EX_UNAVAILABLE
        }
        if let failure {
            // The HTTP server could not listen (http.bind taken since the check above), or failed.
            FileHandle.standardError.write(Data("vigild: the HTTP server failed (http.bind \(http?.address ?? "")): \(failure)\n".utf8))
            runFiles?.stopped()
            throw ExitCode(69)
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

