import Dispatch
import Foundation
import Synchronization

/// The thread of a stage that owns a socket: started once, asked to stop, waited for by a
/// deadline. The body polls ``isStopping`` and closes what it owns when it returns.
///
/// A stage that was created but never started (a later stage of the daemon failed to start)
/// still owns its socket: ``stop(deadline:)`` then runs `neverStarted` (which closes it) on the
/// caller's thread instead of waiting for a thread that does not exist. The daemon stopped such
/// a catch-up server by waiting for it, and its socket was never closed.
public final class ServiceThread: Sendable {
    private let name: String
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// A thread named `name` (as `top` and debuggers show it).
    public init(name: String) {
        self.name = name
    }

    /// Whether the body should return.
    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Starts `body` on its thread; a second call does nothing.
    public func start(_ body: @escaping @Sendable () -> Void) {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [finished] in
            body()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the body to return (``isStopping`` turns true, then `stopping` runs: to wake a body
    /// that waits for work) and waits for it until `deadline`; whether it did. A thread never
    /// started runs `neverStarted` here and counts as stopped.
    public func stop(deadline: DispatchTime, neverStarted: () -> Void, stopping wake: () -> Void = {}) -> Bool {
        stopping.store(true, ordering: .relaxed)
        wake()
        // Claims `started`, so a start racing with this stop cannot run the body afterwards.
        guard started.exchange(true, ordering: .acquiringAndReleasing) else {
            neverStarted()
            return true
        }
        guard finished.wait(timeout: deadline) == .success else { return false }
        finished.signal()  // for the next caller: stopping twice finds the thread stopped
        return true
    }
}
