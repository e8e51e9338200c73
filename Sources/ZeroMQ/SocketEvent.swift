import CZeroMQ

/// One event of a socket's connections, as libzmq's socket monitor reports it (`zmq_socket_monitor`,
/// version 1: a frame of the event number, 16 bits, and its value, 32 bits, both in the machine's
/// byte order; then a frame of the endpoint).
///
/// Only the events a listening socket's guard needs are named; others read as ``Kind/other(_:)``.
public struct SocketEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// A connection was accepted on a bound endpoint; the value is its file descriptor.
        case accepted
        /// Accepting a connection failed; the value is errno (EMFILE: out of file descriptors).
        case acceptFailed
        /// A connection closed (or was dropped: a failed or timed-out handshake, a peer gone, an
        /// oversized message); the value is its file descriptor, now closed.
        case disconnected
        /// A connection completed its handshake (ZMTP, and CURVE with ZAP).
        case handshakeSucceeded
        /// A connection's handshake failed (a protocol error, or authentication refused).
        case handshakeFailed
        /// The monitor stopped: the socket was closed. Nothing follows.
        case monitorStopped
        /// Any other event, by its number.
        case other(UInt16)
    }

    /// The events ``ZMQSocket/monitor(_:)`` asks for.
    public static let guardEvents: Int32 =
        ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_ACCEPT_FAILED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
        | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH

    /// What happened.
    public var kind: Kind
    /// The event's value: a file descriptor or an errno, as ``kind`` says.
    public var value: UInt32
    /// The endpoint it happened on (`tcp://127.0.0.1:7601`).
    public var endpoint: String

    /// Creates an event.
    public init(kind: Kind, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    /// Reads a monitor message; nil for one that is not two frames of the version-1 layout.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let head = frames[0]
        let number = UInt16(head[0]) | UInt16(head[1]) << 8
        let value = UInt32(head[2]) | UInt32(head[3]) << 8 | UInt32(head[4]) << 16 | UInt32(head[5]) << 24
        // libzmq writes both in the host's byte order; every platform Vigil builds for is little-endian.
        let kind: Kind =
            switch Int32(number) {
            case ZMQ_EVENT_ACCEPTED: .accepted
            case ZMQ_EVENT_ACCEPT_FAILED: .acceptFailed
            case ZMQ_EVENT_DISCONNECTED: .disconnected
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: .handshakeSucceeded
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: .handshakeFailed
            case ZMQ_EVENT_MONITOR_STOPPED: .monitorStopped
            default: .other(number)
            }
        self.init(kind: kind, value: value, endpoint: String(decoding: frames[1], as: UTF8.self))
    }
}

extension ZMQSocket {
    /// Reports this socket's connection events (``SocketEvent/guardEvents``) to a PAIR socket at
    /// `endpoint` (`inproc://…`; connect the PAIR first, so no event is lost before it is there).
    /// Call before binding, from the thread that owns the socket.
    public func monitor(_ endpoint: String) throws(ZMQError) {
        let handle = try handleForCall("zmq_socket_monitor")
        try check("zmq_socket_monitor") { zmq_socket_monitor(handle, endpoint, SocketEvent.guardEvents) }
    }

    /// Waits up to `timeoutMs` (-1: forever) for a message on any of `sockets`; for each, whether
    /// one is waiting.
    public static func waitForInput(_ sockets: [ZMQSocket], timeoutMs: Int) throws(ZMQError) -> [Bool] {
        var items: [zmq_pollitem_t] = []
        items.reserveCapacity(sockets.count)
        for socket in sockets {
            items.append(zmq_pollitem_t(socket: try socket.handleForCall("zmq_poll"), fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        }
        let count = Int32(items.count)
        let result = try items.withUnsafeMutableBufferPointer { (buffer) throws(ZMQError) in
            try call("zmq_poll") { zmq_poll(buffer.baseAddress, count, timeoutMs) }
        }
        guard case .done(let ready) = result, ready > 0 else { return Array(repeating: false, count: sockets.count) }
        return items.map { ($0.revents & Int16(ZMQ_POLLIN)) != 0 }
    }
}
