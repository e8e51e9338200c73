import Foundation
import Dispatch
import ServiceLifecycle

/// The daemon as a swift-service-lifecycle service: a `ServiceGroup` runs it beside any other
/// service of the process and turns SIGINT and SIGTERM into its graceful shutdown. Inside, the
/// pipeline stays Dispatch threads and queues; this is only where it starts and stops.
extension Daemon: Service {
    /// Starts the stages, waits for the group's graceful shutdown (a signal, or another service
    /// ending) or for cancellation, then stops the stages in order (``shutdown()``) on a thread
    /// of its own, so the blocking stop never holds a thread of Swift's cooperative pool.
    public func run() async throws {
        start()
        // Returns on graceful shutdown; throws CancellationError when the group cancels
        // instead (its shutdown deadline passed): both end in the same orderly stop.
        try? await gracefulShutdown()
        logger.info("shutting down")
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                shutdown()
                done.resume()
            }
        }
    }
}
