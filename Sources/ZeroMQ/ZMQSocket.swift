import CZeroMQ

/// A libzmq socket.
///
/// Ownership: `close()` does the work; `deinit` only checks that it was done (and closes in
/// release builds rather than leak). A socket keeps its ``ZMQContext`` alive.
///
/// `@unchecked Sendable`: libzmq sockets are not thread-safe. A socket is created on one thread
/// and may be handed over to the one thread or serial queue that owns it from then on; only that
/// owner calls it. It is `Sendable` only so that the hand-over compiles.
public final class ZMQSocket: @unchecked Sendable {
    /// The context the socket lives in.
    public let context: ZMQContext
    /// The socket type.
    public let type: SocketType
    private var handle: UnsafeMutableRawPointer?

    /// Creates a socket of `type` in `context`, with LINGER set to `lingerMs` (default 0: a
    /// closing socket drops what it has not sent, so shutdown never hangs on an absent peer).
    public init(context: ZMQContext, type: SocketType, lingerMs: Int32 = 0) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.rawValue) else { throw .last("zmq_socket") }
        self.context = context
        self.type = type
        self.handle = handle
        do {
            try setOption(ZMQ_LINGER, lingerMs, "zmq_setsockopt(ZMQ_LINGER)")
        } catch {
            close()
            throw error
        }
    }

    deinit {
        assert(handle == nil, "ZMQSocket released without close()")
        if let handle { zmq_close(handle) }
    }

    /// Closes the socket. Idempotent.
    public func close() {
        guard let handle else { return }
        zmq_close(handle)
        self.handle = nil
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { handle == nil }

    private func open(_ function: StaticString) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(code: ENOTSOCK, function: "\(function)") }
        return handle
    }

    /// The handle, for this module's calls in other files; throws ENOTSOCK once closed.
    func handleForCall(_ function: StaticString) throws(ZMQError) -> UnsafeMutableRawPointer {
        try open(function)
    }

    // MARK: Endpoints

    /// Binds `endpoint` (`tcp://127.0.0.1:7601`, `tcp://127.0.0.1:*`, `inproc://name`, `ipc://path`)
    /// and returns the endpoint actually bound (with the port chosen for `*`).
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        let handle = try open("zmq_bind")
        try check("zmq_bind") { zmq_bind(handle, endpoint) }
        return (try? lastEndpoint()) ?? endpoint
    }

    /// Connects to `endpoint`. libzmq connects in the background and reconnects by itself.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_connect")
        try check("zmq_connect") { zmq_connect(handle, endpoint) }
    }

    /// The endpoint most recently bound, with its resolved port (ZMQ_LAST_ENDPOINT).
    public func lastEndpoint() throws(ZMQError) -> String {
        let handle = try open("zmq_getsockopt")
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        try check("zmq_getsockopt(ZMQ_LAST_ENDPOINT)") {
            zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size)
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Options

    private func setOption(_ option: Int32, _ value: Int32, _ function: StaticString) throws(ZMQError) {
        let handle = try open(function)
        var value = value
        try check(function) { zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) }
    }

    /// Messages queued for sending per peer before the socket drops (PUB) or blocks (ZMQ_SNDHWM).
    public func setSendHighWaterMark(_ messages: Int32) throws(ZMQError) {
        try setOption(ZMQ_SNDHWM, messages, "zmq_setsockopt(ZMQ_SNDHWM)")
    }

    /// Messages queued for receiving before the peer's messages are dropped or held (ZMQ_RCVHWM).
    public func setReceiveHighWaterMark(_ messages: Int32) throws(ZMQError) {
        try setOption(ZMQ_RCVHWM, messages, "zmq_setsockopt(ZMQ_RCVHWM)")
    }

    /// How long a closing socket keeps trying to deliver queued messages (ZMQ_LINGER), -1 forever.
    public func setLinger(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_LINGER, milliseconds, "zmq_setsockopt(ZMQ_LINGER)")
    }

    /// Timeout of blocking receives, -1 forever (ZMQ_RCVTIMEO).
    public func setReceiveTimeout(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_RCVTIMEO, milliseconds, "zmq_setsockopt(ZMQ_RCVTIMEO)")
    }

    /// Timeout of blocking sends, -1 forever (ZMQ_SNDTIMEO).
    public func setSendTimeout(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_SNDTIMEO, milliseconds, "zmq_setsockopt(ZMQ_SNDTIMEO)")
    }

    /// The largest inbound message libzmq accepts; a peer that sends a larger one is
    /// disconnected (ZMQ_MAXMSGSIZE). -1 means no limit.
    public func setMaxMessageSize(_ bytes: Int64) throws(ZMQError) {
        let handle = try open("zmq_setsockopt(ZMQ_MAXMSGSIZE)")
        var value = bytes
        try check("zmq_setsockopt(ZMQ_MAXMSGSIZE)") {
            zmq_setsockopt(handle, ZMQ_MAXMSGSIZE, &value, MemoryLayout<Int64>.size)
        }
    }

    /// Queues messages only to completed connections (ZMQ_IMMEDIATE).
    public func setImmediate(_ enabled: Bool) throws(ZMQError) {
        try setOption(ZMQ_IMMEDIATE, enabled ? 1 : 0, "zmq_setsockopt(ZMQ_IMMEDIATE)")
    }

    private func setBytesOption(_ option: Int32, _ bytes: [UInt8], _ function: StaticString) throws(ZMQError) {
        let handle = try open(function)
        var bytes = bytes
        let count = bytes.count
        try check(function) { zmq_setsockopt(handle, option, &bytes, count) }
    }

    /// Makes the socket a CURVE server with `secretKey` (ZMQ_CURVE_SERVER, ZMQ_CURVE_SECRETKEY):
    /// every peer must complete a CurveZMQ handshake; with a ZAP domain set, the ZAP handler
    /// decides which client keys are let in. Before bind or connect.
    public func setCurveServer(secretKey: CurveKey) throws(ZMQError) {
        try setOption(ZMQ_CURVE_SERVER, 1, "zmq_setsockopt(ZMQ_CURVE_SERVER)")
        try setBytesOption(ZMQ_CURVE_SECRETKEY, secretKey.bytes, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)")
    }

    /// Makes the socket a CURVE client of the server whose public key is `serverKey`, with its
    /// own `keys` (ZMQ_CURVE_SERVERKEY, ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY). Before connect.
    public func setCurveClient(serverKey: CurveKey, keys: CurveKeyPair) throws(ZMQError) {
        try setBytesOption(ZMQ_CURVE_SERVERKEY, serverKey.bytes, "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)")
        try setBytesOption(ZMQ_CURVE_PUBLICKEY, keys.publicKey.bytes, "zmq_setsockopt(ZMQ_CURVE_PUBLICKEY)")
        try setBytesOption(ZMQ_CURVE_SECRETKEY, keys.secretKey.bytes, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)")
    }

    /// The ZAP domain (RFC 27) this socket's handshakes are authenticated in (ZMQ_ZAP_DOMAIN).
    /// A CURVE server asks the handler bound at `inproc://zeromq.zap.01` of its context about
    /// every client; a NULL-security socket asks it too once it has a domain. (Stable libzmq lets
    /// a CURVE client in when no handler is bound at all: bind the handler first.)
    public func setZapDomain(_ domain: String) throws(ZMQError) {
        try setBytesOption(ZMQ_ZAP_DOMAIN, Array(domain.utf8), "zmq_setsockopt(ZMQ_ZAP_DOMAIN)")
    }

    /// How long a new connection may take to complete its handshake before libzmq drops it
    /// (ZMQ_HANDSHAKE_IVL); 0 for no limit.
    public func setHandshakeInterval(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_HANDSHAKE_IVL, milliseconds, "zmq_setsockopt(ZMQ_HANDSHAKE_IVL)")
    }

    /// ROUTER: a message to a peer that is gone, or whose queue is full, fails (EHOSTUNREACH, or
    /// EAGAIN without blocking) instead of being dropped in silence (ZMQ_ROUTER_MANDATORY).
    public func setRouterMandatory(_ enabled: Bool) throws(ZMQError) {
        try setOption(ZMQ_ROUTER_MANDATORY, enabled ? 1 : 0, "zmq_setsockopt(ZMQ_ROUTER_MANDATORY)")
    }

    /// Subscribes a SUB socket to messages whose first frame starts with `prefix` (ZMQ_SUBSCRIBE).
    public func subscribe(_ prefix: String) throws(ZMQError) {
        let handle = try open("zmq_setsockopt(ZMQ_SUBSCRIBE)")
        var bytes = Array(prefix.utf8)
        let count = bytes.count
        try check("zmq_setsockopt(ZMQ_SUBSCRIBE)") { zmq_setsockopt(handle, ZMQ_SUBSCRIBE, &bytes, count) }
    }

    // MARK: Sending

    /// Sends a multipart message. Returns `false` when `dontWait` is set and the socket would
    /// block (a PUB socket never blocks: past the high-water mark it drops).
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        let handle = try open("zmq_send")
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < frames.count - 1 { flags |= ZMQ_SNDMORE }
            // withUnsafeBytes rethrows as `any Error`; carry the typed error out in a Result.
            let result = try frame.withUnsafeBytes { bytes in
                Result { () throws(ZMQError) in
                    try call("zmq_send") { zmq_send(handle, bytes.baseAddress, bytes.count, flags) }
                }
            }.get()
            // libzmq sends multipart messages atomically: only the first frame can be refused.
            if case .wouldBlock = result { return false }
        }
        return true
    }

    /// Sends a two-frame message (topic, payload) without building an array of frames.
    @discardableResult
    public func send(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, dontWait: Bool = false)
        throws(ZMQError) -> Bool
    {
        let handle = try open("zmq_send")
        let wait: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        if case .wouldBlock = try call("zmq_send", { zmq_send(handle, topic.baseAddress, topic.count, wait | ZMQ_SNDMORE) }) {
            return false
        }
        _ = try call("zmq_send") { zmq_send(handle, payload.baseAddress, payload.count, wait) }
        return true
    }

    /// Sends a two-frame message (topic, payload).
    @discardableResult
    public func send(topic: String, payload: [UInt8], dontWait: Bool = false) throws(ZMQError) -> Bool {
        var topic = topic
        return try topic.withUTF8 { topicBytes in
            payload.withUnsafeBytes { payloadBytes in
                Result { () throws(ZMQError) in
                    try send(topic: UnsafeRawBufferPointer(topicBytes), payload: payloadBytes, dontWait: dontWait)
                }
            }
        }.get()
    }

    // MARK: Receiving

    /// Receives one whole multipart message and appends it to `batch`. Returns `false` when
    /// `dontWait` is set and no message is waiting (or a receive timeout expired).
    @discardableResult
    public func receive(into batch: inout MessageBatch, dontWait: Bool = false) throws(ZMQError) -> Bool {
        let handle = try open("zmq_msg_recv")
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        var started = false
        while true {
            let result: CallResult
            do {
                result = try call("zmq_msg_recv") { zmq_msg_recv(&message, handle, flags) }
            } catch {
                if started { batch.abandonMessage() }
                throw error
            }
            guard case .done = result else {
                // Only the first frame can be missing: the rest of a multipart message arrives with it.
                if started { batch.abandonMessage() }
                return false
            }
            if !started {
                batch.beginMessage()
                if batch.recordsPeers { batch.setPeer(zmq_msg_gets(&message, "User-Id")) }
                started = true
                flags = 0
            }
            let data = UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: zmq_msg_size(&message))
            batch.appendFrame(data)
            if zmq_msg_more(&message) == 0 { return true }
        }
    }

    /// Receives one whole multipart message as arrays of bytes; `nil` when `dontWait` is set and
    /// nothing is waiting, or a receive timeout expired. Convenient off the hot path.
    public func receiveMessage(dontWait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        try receiveMessageWithPeer(dontWait: dontWait)?.frames
    }

    /// ``receiveMessage(dontWait:)``, with the sender: the user id the ZAP handler gave its key
    /// (nil for a peer that had none).
    public func receiveMessageWithPeer(dontWait: Bool = false) throws(ZMQError) -> (frames: [[UInt8]], peer: String?)? {
        var batch = MessageBatch()
        batch.recordsPeers = true
        guard try receive(into: &batch, dontWait: dontWait) else { return nil }
        return (batch.frames(ofMessage: 0).map { frame in batch.withBytes(of: frame) { Array($0) } }, batch.peer(ofMessage: 0))
    }

    // MARK: Polling

    /// Waits up to `timeoutMs` (-1: forever) for a message to receive on this socket or for
    /// `descriptor` (an eventfd or a pipe another thread writes to) to be readable. Returns which.
    public func waitForInput(timeoutMs: Int, orReadable descriptor: Int32) throws(ZMQError) -> (message: Bool, descriptor: Bool) {
        let handle = try open("zmq_poll")
        var items = [
            zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: nil, fd: descriptor, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        let result = try call("zmq_poll") { zmq_poll(&items, 2, timeoutMs) }
        guard case .done(let ready) = result, ready > 0 else { return (false, false) }
        return ((items[0].revents & Int16(ZMQ_POLLIN)) != 0, (items[1].revents & Int16(ZMQ_POLLIN)) != 0)
    }

    /// Waits up to `timeoutMs` (-1: forever) for a message to receive. Returns whether one is waiting.
    public func waitForInput(timeoutMs: Int) throws(ZMQError) -> Bool {
        let handle = try open("zmq_poll")
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let result = try call("zmq_poll") { zmq_poll(&item, 1, timeoutMs) }
        guard case .done(let ready) = result else { return false }
        return ready > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }
}
