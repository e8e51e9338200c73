import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilConfig
import VigilHTTP
import VigilPipeline
import VigilWire

/// Makes the daemon (resuming the journaled state: the slow part of a start) inside the service
/// group, after the HTTP server is up, then runs it until the group shuts down.
///
/// A daemon that cannot be made (an endpoint in use, an unreadable journal) ends the group;
/// ``failure`` holds why, for vigild's exit status.
final class DaemonLauncher: Service, Sendable {
    private let configuration: VigilConfiguration
    private let logger: Logger
    private let run: RunStats
    private let handle: DaemonHandle
    private let started: @Sendable (Daemon) -> Void
    private let failed = Mutex<DaemonError?>(nil)
    /// In a cluster: the node, a standby until it wins the election.
    private let node: ClusterNode?

    /// `started` runs once the daemon is made, before it starts. In a cluster, `demoted` ends
    /// the process when the node stops being the active one.
    init(
        configuration: VigilConfiguration, logger: Logger, run: RunStats, handle: DaemonHandle, started: @escaping @Sendable (Daemon) -> Void,
        demoted: @escaping @Sendable () -> Never
    ) {
        self.configuration = configuration
        self.logger = logger
        self.run = run
        self.handle = handle
        self.started = started
        node = configuration.settings.cluster.isEnabled
            ? ClusterNode(configuration: configuration, logger: logger, run: run, handle: handle, started: started, demoted: demoted) : nil
    }

    /// Why the daemon could not be made, if it could not.
    var failure: DaemonError? { node?.failure ?? failed.withLock { $0 } }

    func run() async throws {
        if let node { return try await node.runNode() }
        let made: Result<Daemon, DaemonError> = await withCheckedContinuation { done in
            // Resuming reads and decodes the journal: a thread of its own, not the cooperative pool.
            Thread.detachNewThread { [configuration, logger, run] in
                do throws(DaemonError) {
                    done.resume(returning: .success(try Daemon(configuration: configuration, logger: logger, run: run)))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        switch made {
        case .failure(let error):
            failed.withLock { $0 = error }
            throw error
        case .success(let daemon):
            started(daemon)
            handle.set(daemon)
            try await daemon.run()
        }
    }
}
