import Foundation
import Synchronization
import ZeroMQ

/// Subscribes to a daemon's alerts (SUB, prefix `alert.`) and keeps every payload that arrives,
/// on a thread of its own, so that a run can be scored against its ground truth.
///
/// Create it before the run's first frame (the runner's warm-up gives the subscription time to
/// reach the daemon), then ``stop()`` after the run and the settle time.
public final class AlertRecorder: Sendable {
    private let payloads = Mutex<[[UInt8]]>([])
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
                while let message = try? socket.receiveMessage(dontWait: true) {
                    if message.count == 2 { payloads.withLock { $0.append(message[1]) } }
                }
            }
        }
        thread.start()
    }

    /// The payloads received so far, in order of arrival.
    public var received: [[UInt8]] { payloads.withLock { $0 } }

    /// Stops receiving and closes the socket; waits for the thread. Call once.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        done.wait()
    }
}
