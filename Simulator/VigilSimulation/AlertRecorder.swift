import Foundation
import Synchronization
import ZeroMQ

/// Subscribes to a daemon's alerts (SUB, prefix `alert.`) and keeps every payload that arrives,
/// on a thread of its own (``AlertSubscription``), so that a run can be scored against its ground truth.
///
/// Create it before the run's first frame (the runner's warm-up gives the subscription time to
/// reach the daemon), then ``stop()`` after the run and the settle time.
public final class AlertRecorder: Sendable {
    /// The payloads, shared with the receiving thread.
    private final class Payloads: Sendable {
        let list = Mutex<[[UInt8]]>([])
    }

    private let payloads: Payloads
    private let subscription: AlertSubscription

    /// Connects a SUB socket in `context` (a new context when `nil`) to `endpoints` and starts receiving.
    public init(
        context: ZMQContext? = nil, connect endpoints: [String], prefix: String = "alert.", security: SocketPlan.Security = .none
    ) throws(SocketSetupError) {
        let payloads = Payloads()
        self.payloads = payloads
        subscription = try AlertSubscription(context: context, connect: endpoints, prefix: prefix, security: security) { payload in
            payloads.list.withLock { $0.append(payload) }
        }
    }

    /// The payloads received so far, in order of arrival.
    public var received: [[UInt8]] { payloads.list.withLock { $0 } }

    /// Stops receiving and closes the socket; waits for the thread. Call once.
    public func stop() {
        subscription.stop()
    }
}
