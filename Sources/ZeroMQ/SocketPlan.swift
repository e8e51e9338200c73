/// Everything a socket needs before it is used: its type, its options, the endpoints it binds
/// and connects, and (for SUB) its subscriptions. ``ZMQContext/open(_:)`` carries it out in one
/// step that either returns a socket ready to use or closes what it made and says which step
/// failed.
///
/// Options are applied before any bind or connect, as libzmq requires for most of them
/// (security, high-water marks and `ZMQ_MAXMSGSIZE` apply to connections made afterwards).
public struct SocketPlan: Sendable {
    /// How the socket's connections are secured.
    public enum Security: Sendable {
        /// NULL security (RFC 23): plaintext, anyone who reaches the endpoint.
        case none
        /// CURVE server (RFC 26) with this secret key: peers must handshake as CURVE clients.
        case curveServer(secretKey: CurveKey)
        /// CURVE client of the server with public key `serverKey`, with its own `keys`.
        case curveClient(serverKey: CurveKey, keys: CurveKeyPair)
    }

    /// The socket's type.
    public var type: SocketType
    /// How its connections are secured; NULL by default.
    public var security = Security.none
    /// `ZMQ_ZAP_DOMAIN`, when set: handshakes are put to the context's ZAP handler in this domain.
    public var zapDomain: String?
    /// `ZMQ_HANDSHAKE_IVL`, when set: a connection that has not completed its handshake by then
    /// is dropped.
    public var handshakeIntervalMs: Int32?
    /// `ZMQ_ROUTER_MANDATORY`, when set (ROUTER only).
    public var routerMandatory: Bool?
    /// `ZMQ_LINGER`: how long `close` lets queued messages leave.
    public var lingerMs: Int32 = 0
    /// `ZMQ_SNDHWM`, when set.
    public var sendHighWaterMark: Int32?
    /// `ZMQ_RCVHWM`, when set.
    public var receiveHighWaterMark: Int32?
    /// `ZMQ_MAXMSGSIZE`, when set: a peer that sends a larger message is disconnected.
    public var maxMessageBytes: Int64?
    /// `ZMQ_RCVTIMEO`, when set.
    public var receiveTimeoutMs: Int32?
    /// `ZMQ_SNDTIMEO`, when set.
    public var sendTimeoutMs: Int32?
    /// `ZMQ_IMMEDIATE`, when set: queue only to completed connections.
    public var immediate: Bool?
    /// When set, an `inproc://` endpoint to which libzmq reports the socket's connection events
    /// (``SocketEvent``), set up before any bind.
    public var monitor: String?
    /// Endpoints to bind, in order.
    public var bind: [String] = []
    /// Endpoints to connect to, in order (after the binds).
    public var connect: [String] = []
    /// SUB topic prefixes, subscribed last.
    public var subscribe: [String] = []

    /// A plan for a socket of `type` with libzmq's defaults and no endpoints.
    public init(_ type: SocketType) {
        self.type = type
    }
}

extension SocketPlan.Security {
    /// A CURVE client of the server whose public key is `serverPublicKey`, with the pair of
    /// `secretKey` (both Z85, as certificates hold them); throws EINVAL for a key that is not.
    public static func curveClient(serverPublicKey: String, secretKey: String) throws(ZMQError) -> SocketPlan.Security {
        guard let server = CurveKey(z85: serverPublicKey), let secret = CurveKey(z85: secretKey, secret: true) else {
            throw ZMQError.invalidArgument
        }
        return .curveClient(serverKey: server, keys: try CurveKeyPair(secretKey: secret))
    }
}

/// Why ``ZMQContext/open(_:)`` could not make a socket: the step, and libzmq's error. The socket,
/// if it was created, is closed.
public struct SocketSetupError: Error, Sendable, CustomStringConvertible {
    /// The step that failed.
    public enum Step: Sendable, Equatable {
        /// `zmq_socket`.
        case create
        /// Setting an option (named as libzmq names it, e.g. `ZMQ_SNDHWM`).
        case configure(option: String)
        /// Binding this endpoint.
        case bind(String)
        /// Connecting to this endpoint.
        case connect(String)
        /// Subscribing to this prefix.
        case subscribe(String)
    }

    /// The step that failed.
    public var step: Step
    /// libzmq's error.
    public var error: ZMQError

    /// Creates an error.
    public init(step: Step, error: ZMQError) {
        self.step = step
        self.error = error
    }

    /// What failed, e.g. `cannot bind tcp://*:7601: Address already in use (errno 98)`.
    public var description: String {
        switch step {
        case .create: "cannot create the socket: \(error)"
        case .configure(let option): "cannot set \(option): \(error)"
        case .bind(let endpoint): "cannot bind \(endpoint): \(error)"
        case .connect(let endpoint): "cannot connect to \(endpoint): \(error)"
        case .subscribe(let prefix): "cannot subscribe to \"\(prefix)\": \(error)"
        }
    }
}

extension ZMQContext {
    /// Creates a socket as `plan` says: options, then binds, then connects, then subscriptions.
    /// On any failure the socket is closed before the error is thrown, so a caller that gives
    /// up owns nothing.
    public func open(_ plan: SocketPlan) throws(SocketSetupError) -> ZMQSocket {
        var bound: [String] = []
        return try open(plan, bound: &bound)
    }

    /// ``open(_:)``, appending to `bound` the endpoints actually bound (with the port chosen for
    /// a `*`), in the plan's order.
    public func open(_ plan: SocketPlan, bound: inout [String]) throws(SocketSetupError) -> ZMQSocket {
        let socket: ZMQSocket
        do { socket = try ZMQSocket(context: self, type: plan.type, lingerMs: plan.lingerMs) } catch {
            throw SocketSetupError(step: .create, error: error)
        }
        var step = SocketSetupError.Step.create
        /// Sets one option when the plan gives it, naming it as the step under way.
        func option<Value>(_ value: Value?, _ name: String, _ set: (Value) throws(ZMQError) -> Void) throws(ZMQError) {
            guard let value else { return }
            step = .configure(option: name)
            try set(value)
        }
        /// Does `body` for each of `items`, naming it as the step under way.
        func each(_ items: [String], _ name: (String) -> SocketSetupError.Step, _ body: (String) throws(ZMQError) -> Void) throws(ZMQError) {
            for item in items {
                step = name(item)
                try body(item)
            }
        }
        do throws(ZMQError) {
            switch plan.security {
            case .none: break
            case .curveServer(let secretKey): try option(secretKey, "ZMQ_CURVE_SERVER") { (key) throws(ZMQError) in try socket.setCurveServer(secretKey: key) }
            case .curveClient(let serverKey, let keys):
                try option(serverKey, "ZMQ_CURVE_SERVERKEY") { (key) throws(ZMQError) in try socket.setCurveClient(serverKey: key, keys: keys) }
            }
            try option(plan.zapDomain, "ZMQ_ZAP_DOMAIN", socket.setZapDomain)
            try option(plan.handshakeIntervalMs, "ZMQ_HANDSHAKE_IVL", socket.setHandshakeInterval)
            try option(plan.routerMandatory, "ZMQ_ROUTER_MANDATORY", socket.setRouterMandatory)
            try option(plan.sendHighWaterMark, "ZMQ_SNDHWM", socket.setSendHighWaterMark)
            try option(plan.receiveHighWaterMark, "ZMQ_RCVHWM", socket.setReceiveHighWaterMark)
            try option(plan.maxMessageBytes, "ZMQ_MAXMSGSIZE", socket.setMaxMessageSize)
            try option(plan.receiveTimeoutMs, "ZMQ_RCVTIMEO", socket.setReceiveTimeout)
            try option(plan.sendTimeoutMs, "ZMQ_SNDTIMEO", socket.setSendTimeout)
            try option(plan.immediate, "ZMQ_IMMEDIATE", socket.setImmediate)
            try option(plan.monitor, "zmq_socket_monitor", socket.monitor)
            try each(plan.bind, SocketSetupError.Step.bind) { (endpoint) throws(ZMQError) in bound.append(try socket.bind(endpoint)) }
            try each(plan.connect, SocketSetupError.Step.connect, socket.connect)
            try each(plan.subscribe, SocketSetupError.Step.subscribe, socket.subscribe)
        } catch {
            socket.close()
            throw SocketSetupError(step: step, error: error)
        }
        return socket
    }
}
