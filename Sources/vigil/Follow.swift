import ArgumentParser
import Foundation
import Logging
import VigilCluster
import VigilConfig
import VigilJournal
import ZeroMQ

/// `vigil follow`: a warm standby's journal. Copies the journal of a vigild started with
/// `--replication-bind`, transaction by transaction, into `<state-dir>/journal.sqlite`, so that a
/// vigild started on that folder after the active one is lost continues its stream: the same next
/// `seq`, the open incidents as consumers saw them, no second `raised`.
struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an active vigild's journal into a state folder, as a standby (docs/failover.md).",
        discussion: """
            Connects to ENDPOINT (an active vigild's --replication-bind) and asks for everything after its own \
            journal (created if absent). While it follows, the active publishes an alert only once this copy holds \
            it, or after --sync-timeout-ms on the active's side, when this standby is then left out until it \
            catches up. A journal that differs from the active's, or holds alerts the active never journaled, is \
            refused and left as it is: the command exits 1. Stops on SIGINT or SIGTERM. Status goes to standard \
            error every --status-seconds. With a CURVE vigild, --server-key and --key name its certificate and an \
            operator's (security.operators).

            To take over: stop this command, then start vigild with --state-dir on the same folder (and the \
            active's endpoints, or consumers told of new ones). Frames received between the active's last \
            journaled state and the takeover are not replayed yet: the standby resumes as a restart does.
            """)

    @Argument(help: "The active vigild's replication endpoint.")
    var endpoint: String

    @Option(name: .customLong("state-dir"), help: "The standby's state folder: its journal is journal.sqlite there.")
    var stateDir: String

    @Option(help: "This standby's name, as the active logs it.")
    var node = ProcessInfo.processInfo.hostName

    @Option(name: .shortAndLong, help: "vigild's settings file, for the journal's retention (journal.max_age_h, journal.max_mb); without it, vigild's defaults.")
    var config: String?

    @Option(name: .customLong("status-seconds"), help: "Status on standard error this often (0: never).")
    var statusSeconds: Double = 5

    @OptionGroup var keys: ClientKeys

    func validate() throws {
        guard !stateDir.isEmpty else { throw ValidationError("--state-dir must name a folder") }
        guard statusSeconds >= 0, statusSeconds.isFinite else { throw ValidationError("--status-seconds must be 0 or more") }
    }

    func run() throws {
        stopOnSignals()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "vigil.follow")
        let security = try keys.security()
        let path = URL(fileURLWithPath: stateDir).appendingPathComponent("journal.sqlite").path
        var retention = JournalRetention()
        if let config {
            do {
                let settings = try VigilConfiguration.load(path: config).settings
                retention = JournalRetention(maxAgeMs: settings.journalMaxAgeMs, maxBytes: settings.journalMaxBytes)
            } catch {
                FileHandle.standardError.write(Data("vigil follow: configuration error: \(error)\n".utf8))
                throw ExitCode(78)
            }
        }
        let journal: AlertJournal
        let context: ZMQContext
        let follower: ReplicationFollower
        do {
            try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
            journal = try AlertJournal(path: path, retention: retention)
            context = try ZMQContext()
            follower = try ReplicationFollower(context: context, endpoint: endpoint, journal: journal, node: node, logger: logger, security: security)
        } catch {
            FileHandle.standardError.write(Data("vigil follow: \(error)\n".utf8))
            throw ExitCode(1)
        }
        follower.start()
        var lastStatus = Date()
        while stopRequest == nil && follower.status().refused == nil {
            Thread.sleep(forTimeInterval: 0.05)
            if statusSeconds > 0 && Date().timeIntervalSince(lastStatus) >= statusSeconds {
                lastStatus = Date()
                let status = follower.status()
                let active = status.activePosition.map { "\($0.seq)" } ?? "?"
                FileHandle.standardError.write(Data("vigil follow: seq \(status.position.seq) of the active's \(active), state turn \(status.position.turn), \(status.stored) transactions stored\n".utf8))
            }
        }
        _ = follower.stop(deadline: .now() + 5)
        context.terminate()
        let status = follower.status()
        if let refused = status.refused {
            FileHandle.standardError.write(Data("vigil follow: refused by the active: \(refused)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardError.write(Data("vigil follow: stopped at seq \(status.position.seq), state turn \(status.position.turn)\n".utf8))
    }
}
