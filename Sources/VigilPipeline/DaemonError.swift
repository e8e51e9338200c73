import ZeroMQ

/// Why the daemon could not start: the step that failed and a message naming the endpoint.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    /// The step that failed.
    public enum Code: String, Sendable {
        /// Creating or configuring a socket.
        case socket
        /// Binding an endpoint.
        case bind
        /// Connecting to an endpoint.
        case connect
        /// Reading or writing the daemon's state (silences).
        case state
    }

    /// The step that failed.
    public var code: Code
    /// What failed, naming the endpoint and the libzmq error.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A socket the daemon needs could not be set up: `socket` says which ("the detection
    /// socket"), `bound` and `connected` what its endpoints are to the reader, e.g. "cannot bind
    /// the detection endpoint tcp://*:7601: zmq_bind: Address already in use (errno 98)".
    init(socket: String, bound: String, connected: String = "", _ failure: SocketSetupError) {
        switch failure.step {
        case .create: self.init(.socket, "cannot create \(socket): \(failure.error)")
        case .configure(let option): self.init(.socket, "cannot configure \(socket) (\(option)): \(failure.error)")
        case .bind(let address): self.init(.bind, "cannot bind the \(bound) \(address): \(failure.error)")
        case .connect(let address): self.init(.connect, "cannot connect to the \(connected) \(address): \(failure.error)")
        case .subscribe(let prefix): self.init(.socket, "cannot subscribe \(socket) to \"\(prefix)\": \(failure.error)")
        }
    }

    /// The message.
    public var description: String { message }
}
