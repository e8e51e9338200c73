import Foundation
import Synchronization
import ZeroMQ

/// A SUB socket subscribed to a daemon's alerts, read on a thread of its own: each two-frame
/// message (topic, payload) goes to `received` the moment it arrives, on that thread. What
/// ``AlertRecorder`` and ``AlertFeed`` keep of the messages is theirs; the socket and its thread
/// are this.
final class AlertSubscription: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Connects a SUB socket in `context` (a new context when `nil`) to `endpoints`, subscribed
    /// to `prefix`, and starts receiving.
    init(
        context: ZMQContext?, connect endpoints: [String], prefix: String, security: SocketPlan.Security,
        received: @escaping @Sendable (_ payload: [UInt8]) -> Void
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
                    if message.count == 2 { received(message[1]) }
                }
            }
        }
        thread.start()
    }

    /// Stops receiving and closes the socket; waits for the thread. Call once.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        done.wait()
    }
}
