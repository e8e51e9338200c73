import CZeroMQ

/// An error from libzmq: the errno it set and the C function that set it.
///
/// Compare with the named statics, the way swift-system's `Errno` is used:
/// `catch let error where error.code == ZMQError.addressInUse.code`.
public struct ZMQError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errno value libzmq reported.
    public var code: Int32
    /// The C function that failed, for example `zmq_bind`.
    public var function: String

    /// Creates an error for `code` raised by `function`.
    public init(code: Int32, function: String) {
        self.code = code
        self.function = function
    }

    /// The error libzmq reports for the current thread, attributed to `function`.
    static func last(_ function: StaticString) -> ZMQError {
        ZMQError(code: vigil_zmq_errno(), function: "\(function)")
    }

    /// libzmq's text for the code.
    public var message: String { String(cString: zmq_strerror(code)) }

    /// `zmq_bind: Address already in use (errno 98)`.
    public var description: String { "\(function): \(message) (errno \(code))" }

    /// The call would block. The corresponding C error is EAGAIN.
    public static let again = ZMQError(code: EAGAIN, function: "")
    /// A signal interrupted the call. The corresponding C error is EINTR.
    public static let interrupted = ZMQError(code: EINTR, function: "")
    /// The context was terminated. The corresponding C error is ETERM.
    public static let terminated = ZMQError(code: ETERM, function: "")
    /// The endpoint's address is already in use. The corresponding C error is EADDRINUSE.
    public static let addressInUse = ZMQError(code: EADDRINUSE, function: "")
    /// The endpoint is malformed. The corresponding C error is EINVAL.
    public static let invalidArgument = ZMQError(code: EINVAL, function: "")
    /// The endpoint's transport is not supported. The corresponding C error is EPROTONOSUPPORT.
    public static let protocolNotSupported = ZMQError(code: EPROTONOSUPPORT, function: "")

    /// Two errors are the same when their codes are; the function is context.
    public static func == (lhs: ZMQError, rhs: ZMQError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
