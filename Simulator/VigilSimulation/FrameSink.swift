import VigilCore
import ZeroMQ

/// A SUB socket that receives detection messages, standing in for the daemon: for checking a
/// simulator run in tests, and for `vigil-sim sink`, which measures what a run delivers.
/// Not thread-safe: one sink, one thread.
public final class FrameSink {
    /// The endpoints actually bound (with the port chosen for `*`).
    public private(set) var boundEndpoints: [String] = []
    private let socket: ZMQSocket
    private var batch = MessageBatch()

    /// Creates a SUB socket in `context` (a new context when `nil`), subscribed to `prefix`, bound to `bind` and connected to `connect`.
    public init(context: ZMQContext? = nil, bind: [String], connect: [String], prefix: String = "det.") throws(SocketSetupError) {
        var plan = SocketPlan(.sub)
        plan.receiveHighWaterMark = 0  // no limit: a sink measures, it does not drop
        plan.subscribe = [prefix]
        plan.bind = bind
        plan.connect = connect
        socket = try ZMQContext.given(context).open(plan, bound: &boundEndpoints)
    }

    deinit {
        assert(socket.isClosed, "FrameSink released without close()")
    }

    /// Services the socket for up to `milliseconds`, returning early when a message is waiting
    /// (which it leaves in place).
    ///
    /// A libzmq socket handles its connections' commands only inside calls made on it, so a sink
    /// that binds must be polled before a publisher's first message: only then is its
    /// subscription attached and sent to the publisher, which drops what nobody subscribed to.
    public func settle(milliseconds: Int) throws(ZMQError) {
        let deadline = WallClock.monotonic() + Double(milliseconds) / 1000
        while WallClock.monotonic() < deadline {
            if try socket.waitForInput(timeoutMs: 10) { return }
        }
    }

    /// The next message's frames, waiting up to `timeoutMs`; `nil` if none came.
    public func receive(timeoutMs: Int) throws(ZMQError) -> [[UInt8]]? {
        guard try socket.waitForInput(timeoutMs: timeoutMs) else { return nil }
        return try socket.receiveMessage(dontWait: true)
    }

    /// Receives every message waiting (after waiting up to `timeoutMs` for the first, at most
    /// 4096 at a time) and calls `body` with each one's frame count, topic and second frame (empty
    /// when there is none); returns how many were received.
    public func drain(
        timeoutMs: Int, _ body: (_ frameCount: Int, _ topic: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) -> Void
    ) throws(ZMQError) -> Int {
        guard try socket.waitForInput(timeoutMs: timeoutMs) else { return 0 }
        batch.removeAll()
        var received = 0
        while received < 4_096, try socket.receive(into: &batch, dontWait: true) { received += 1 }
        for index in 0..<batch.count {
            let frames = batch.frames(ofMessage: index)
            batch.withBytes(of: frames[frames.startIndex]) { topic in
                if frames.count > 1 {
                    batch.withBytes(of: frames[frames.startIndex + 1]) { payload in body(frames.count, topic, payload) }
                } else {
                    body(frames.count, topic, UnsafeRawBufferPointer(start: nil, count: 0))
                }
            }
        }
        return received
    }

    /// Closes the socket. Idempotent.
    public func close() {
        socket.close()
    }
}
