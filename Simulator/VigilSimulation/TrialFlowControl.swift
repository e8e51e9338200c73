import Foundation
import ZeroMQ

/// Asks a running vigild how far it has got (`stats` on its control endpoint: the reports it has
/// processed or refused), so a trials run never offers more than the daemon can take.
///
/// Detection trials measure detection, not overload: a daemon that falls behind queues frames
/// (and its gateways' PUB sockets drop them past their high-water mark), so the runner holds the
/// pace back while the daemon's backlog is too long (``TrialRunner``). One request at a time on a
/// REQ socket; a request unanswered within ``timeoutMs`` resets the socket, and after
/// ``maxFailures`` in a row the control is given up (the run goes on unthrottled, and says so).
/// Not thread-safe: use it on the runner's thread.
public final class TrialFlowControl {
    /// The control endpoint.
    public let endpoint: String
    /// Milliseconds to wait for an answer.
    public let timeoutMs: Int
    /// Unanswered requests in a row after which the control is given up.
    public static let maxFailures = 3
    private let context: ZMQContext
    private var socket: ZMQSocket?
    private var failures = 0
    /// Whether the daemon stopped answering (the control was given up).
    public private(set) var gaveUp = false

    /// Connects a REQ socket in `context` to `endpoint`.
    public init(context: ZMQContext, endpoint: String, timeoutMs: Int = 2_000) throws(ZMQError) {
        self.context = context
        self.endpoint = endpoint
        self.timeoutMs = timeoutMs
        socket = try Self.connect(context, endpoint)
    }

    deinit { socket?.close() }

    private static func connect(_ context: ZMQContext, _ endpoint: String) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: .req)
        do {
            try socket.connect(endpoint)
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// The reports the daemon has dealt with (processed, or refused), or `nil` when it did not
    /// answer in time or the control was given up.
    public func handled() -> Int? {
        guard !gaveUp, let socket else { return nil }
        if let answer = try? Self.ask(socket, timeoutMs: timeoutMs),
            let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any],
            let processed = (object["processed"] as? NSNumber)?.intValue
        {
            failures = 0
            return processed + ((object["rejected_total"] as? NSNumber)?.intValue ?? 0)
        }
        // A REQ socket that got no answer cannot ask again: start afresh.
        socket.close()
        self.socket = try? Self.connect(context, endpoint)
        failures += 1
        if failures >= Self.maxFailures { gaveUp = true }
        return nil
    }

    private static func ask(_ socket: ZMQSocket, timeoutMs: Int) throws(ZMQError) -> [UInt8]? {
        try socket.send([Array("stats".utf8)])
        guard try socket.waitForInput(timeoutMs: timeoutMs), let reply = try socket.receiveMessage(dontWait: true) else { return nil }
        return reply.first
    }

    /// Closes the socket. Idempotent.
    public func close() {
        socket?.close()
        socket = nil
    }
}
