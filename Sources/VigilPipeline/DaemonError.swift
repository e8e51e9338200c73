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

    /// The message.
    public var description: String { message }
}
