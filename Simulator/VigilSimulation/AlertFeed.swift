import Foundation
import Synchronization
import VigilCore
import ZeroMQ

/// Subscribes to a daemon's alerts (SUB, prefix `alert.`) on a thread of its own
/// (``AlertSubscription``) and stamps each message with the moment it arrives, for a load run's latency.
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

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared: Shared
    private let subscription: AlertSubscription

    /// Connects a SUB socket in `context` (a new context when `nil`) to `endpoints` and starts receiving.
    public init(
        context: ZMQContext? = nil, connect endpoints: [String], prefix: String = "alert.", security: SocketPlan.Security = .none
    ) throws(SocketSetupError) {
        let shared = Shared()
        self.shared = shared
        subscription = try AlertSubscription(context: context, connect: endpoints, prefix: prefix, security: security) { payload in
            let now = WallClock.monotonic()
            let message = PartialAlertMessage.parse(payload)
            shared.state.withLock { state in
                state.received += 1
                state.lastArrival = now
                if let message { state.pending.append(AlertArrival(message: message, arrivedAt: now)) }
            }
        }
    }

    /// Alert messages received so far, unreadable ones included.
    public var received: Int { shared.state.withLock { $0.received } }

    /// When the latest message arrived (``WallClock/monotonic()``); `nil` before the first.
    public var lastArrival: Double? { shared.state.withLock { $0.lastArrival } }

    /// The readable messages that arrived since the last call, in order of arrival.
    public func take() -> [AlertArrival] {
        shared.state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }

    /// Stops receiving and closes the socket; waits for the thread. Call once.
    public func stop() {
        subscription.stop()
    }
}
