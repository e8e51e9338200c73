import Foundation
import Synchronization
import VigilCore
import ZeroMQ

/// Subscribes to a daemon's alerts (SUB, prefix `alert.`) on a thread of its own and stamps each
/// message with the moment it arrives, for a load run's latency.
///
/// Unlike ``AlertRecorder`` it keeps no payloads: each message is parsed as it arrives and waits,
/// parsed, until the run takes it (``take()``, every tenth of a second or so), so a long run at
/// thousands of alerts a second holds only what came since the last take.
public final class AlertFeed: Sendable {
    /// What the receiving thread shares with the run's thread.
    private struct State {
        var pending: [AlertArrival] = []
        var received = 0
        var lastArrival: Double?
    }

    private let state = Mutex(State())
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Connects a SUB socket in `context` (a new context when `nil`) to `endpoints` and starts receiving.
    public init(
        context: ZMQContext? = nil, connect endpoints: [String], prefix: String = "alert.", security: SocketPlan.Security = .none
    ) throws(SocketSetupError) {
        var plan = SocketPlan(.sub)
        plan.security = security
        plan.receiveHighWaterMark = 0
        plan.subscribe = [prefix]
        plan.connect = endpoints
        let socket = try ZMQContext.given(context).open(plan)
        // The socket is handed over to the thread, its only user from here on.
        let thread = Thread { [self] in
            defer {
                socket.close()
                done.signal()
            }
            while !stopping.load(ordering: .relaxed) {
                guard (try? socket.waitForInput(timeoutMs: 50)) == true else { continue }
                while let frames = try? socket.receiveMessage(dontWait: true) {
                    let now = WallClock.monotonic()
                    let message = frames.count == 2 ? PartialAlertMessage.parse(frames[1]) : nil
                    state.withLock { state in
                        state.received += 1
                        state.lastArrival = now
                        if let message { state.pending.append(AlertArrival(message: message, arrivedAt: now)) }
                    }
                }
            }
        }
        thread.start()
    }

    /// Alert messages received so far, unreadable ones included.
    public var received: Int { state.withLock { $0.received } }

    /// When the latest message arrived (``WallClock/monotonic()``); `nil` before the first.
    public var lastArrival: Double? { state.withLock { $0.lastArrival } }

    /// The readable messages that arrived since the last call, in order of arrival.
    public func take() -> [AlertArrival] {
        state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }

    /// Stops receiving and closes the socket; waits for the thread. Call once.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        done.wait()
    }
}
