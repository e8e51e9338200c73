import CZeroMQ

/// The outcome of a libzmq call that may legitimately have nothing to do (EAGAIN).
enum CallResult {
    /// The call succeeded and returned this value.
    case done(Int32)
    /// The call would have blocked (EAGAIN); not an error.
    case wouldBlock
}

/// Runs one libzmq call: retries on EINTR, returns EAGAIN as `.wouldBlock`, and throws any other
/// failure as a ``ZMQError`` that keeps errno and the name of the C function.
///
/// Every call into libzmq in this module goes through here or through ``check(_:_:)``.
@inline(__always)
func call(_ function: StaticString, _ body: () -> Int32) throws(ZMQError) -> CallResult {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let code = vigil_zmq_errno()
        switch code {
        case EINTR: continue
        case EAGAIN: return .wouldBlock
        default: throw ZMQError(code: code, function: "\(function)")
        }
    }
}

/// Runs a libzmq call that must not return EAGAIN (options, bind, connect, ...).
@inline(__always)
@discardableResult
func check(_ function: StaticString, _ body: () -> Int32) throws(ZMQError) -> Int32 {
    switch try call(function, body) {
    case .done(let value): return value
    case .wouldBlock: throw ZMQError(code: EAGAIN, function: "\(function)")
    }
}
