import ZeroMQ

/// The simulated gateway's socket: a ZeroMQ PUB socket that connects to the daemon's detection
/// endpoint (or binds one for the daemon to connect to) and sends two-frame messages.
///
/// The high-water mark is large (default 1,000,000 messages) so that a burst is queued rather
/// than dropped, and LINGER (default 2 s) lets a closing socket deliver what it has queued.
/// Not thread-safe: one publisher, one thread.
public final class Publisher {
    /// The endpoints actually bound (with the port chosen for `*`).
    public private(set) var boundEndpoints: [String] = []
    private let socket: ZMQSocket

    /// Creates a PUB socket in `context` (a new context when `nil`), connected to `connect` and
    /// bound to `bind`; with `security` a CURVE client of vigild (a gateway with its key).
    public init(
        context: ZMQContext? = nil, connect: [String], bind: [String], sendHighWaterMark: Int32 = 1_000_000, lingerMs: Int32 = 2_000,
        security: SocketPlan.Security = .none
    ) throws(SocketSetupError) {
        var plan = SocketPlan(.pub)
        plan.security = security
        plan.lingerMs = lingerMs
        plan.sendHighWaterMark = sendHighWaterMark
        plan.bind = bind
        plan.connect = connect
        socket = try ZMQContext.given(context).open(plan, bound: &boundEndpoints)
    }

    deinit {
        assert(socket.isClosed, "Publisher released without close()")
    }

    /// Sends `topic` and `payload` as one two-frame message.
    @inline(__always)
    public func send(topic: String, payload: [UInt8]) throws(ZMQError) {
        try socket.send(topic: topic, payload: payload)
    }

    /// Sends a multipart message of any number of frames (hostile messages use one).
    public func send(frames: [[UInt8]]) throws(ZMQError) {
        try socket.send(frames)
    }

    /// Closes the socket; queued messages get the LINGER time to leave. Idempotent.
    public func close() {
        socket.close()
    }
}

extension ZMQContext {
    /// `context`, or a new context with one I/O thread for a publisher or sink created without
    /// one; a context that cannot be made fails the socket's creation.
    static func given(_ context: ZMQContext?) throws(SocketSetupError) -> ZMQContext {
        if let context { return context }
        do { return try ZMQContext(ioThreads: 1) } catch { throw SocketSetupError(step: .create, error: error) }
    }
}
