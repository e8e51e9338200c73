import VigilWire
import ZeroMQ

/// vigild's catch-up endpoint (`catchup.bind`) as a consumer reaches it: a REQ socket, one
/// request (a ``CatchUpRequest``) and one reply (a ``CatchUpPage``), as the README's "durable
/// alert stream" section describes.
///
/// A REQ socket whose request goes unanswered is stuck (a daemon that died with the request
/// in hand never answers it), so after a timeout the socket is closed and a new one asks
/// again: the "lazy pirate" of the ZeroMQ guide. Requests only read, so asking twice is safe.
public final class CatchUpClient {
    /// The endpoint asked.
    public let endpoint: String
    private let context: ZMQContext
    private let timeoutMs: Int
    private var socket: ZMQSocket?
    /// Whether "no answer" was reported and not yet followed by an answer.
    private var silent = false
    private let note: (String) -> Void
    private let security: SocketPlan.Security

    /// A client of `endpoint` with sockets of `context` (CURVE clients with `security`); a
    /// request not answered within `timeoutMs` is sent again on a new socket. `note` receives one
    /// line when the endpoint stops answering and one when it answers again (`vigil tail` writes
    /// them to standard error).
    public init(
        context: ZMQContext, endpoint: String, security: SocketPlan.Security = .none, timeoutMs: Int = 3_000,
        note: @escaping (String) -> Void = { _ in }
    ) {
        self.security = security
        self.context = context
        self.endpoint = endpoint
        self.timeoutMs = timeoutMs
        self.note = note
    }

    /// Closes the socket (a later request opens a new one).
    public func close() {
        socket?.close()
        socket = nil
    }

    /// Asks for up to `limit` alerts after `after` whose topic starts with `prefix` (all when it
    /// is empty), asking again until the daemon answers; nil when `deadlineNs` (monotonic) passes
    /// first. `waiting` is called at least every 200 ms while no reply has come. The first
    /// unanswered request, and the answer that ends the silence, are noted. An `error` reply is
    /// ``VigilClientError/Code/unavailable``, a reply that is not the protocol's one
    /// ``VigilClientError/Code/badReply``.
    public func page(after: UInt64, limit: Int, prefix: String, deadlineNs: UInt64?, waiting: () -> Void = {}) throws(VigilClientError) -> CatchUpPage? {
        let request = CatchUpRequest(after: after, limit: limit, prefix: prefix).frames()
        while true {
            if let deadlineNs, MonotonicClock.nowNs() >= deadlineNs { return nil }
            let reply: [[UInt8]]
            do {
                let socket = try openSocket()
                try socket.send(request)
                guard try waitForReply(socket, deadlineNs: deadlineNs, waiting: waiting), let received = try socket.receiveMessage(dontWait: true)
                else {
                    close()
                    if !silent {
                        silent = true
                        note("no answer from the catch-up endpoint \(endpoint) within \(timeoutMs / 1_000) s (is vigild running?); asking again")
                    }
                    continue
                }
                reply = received
            } catch {
                close()
                throw VigilClientError("catch-up endpoint \(endpoint): \(error)", code: .unavailable)
            }
            if silent {
                silent = false
                note("the catch-up endpoint \(endpoint) answers again")
            }
            return try Self.decode(reply, endpoint: endpoint)
        }
    }

    private func openSocket() throws(ZMQError) -> ZMQSocket {
        if let socket { return socket }
        var plan = SocketPlan(.req)
        plan.security = security
        plan.connect = [endpoint]
        let socket: ZMQSocket
        do { socket = try context.open(plan) } catch { throw error.error }
        self.socket = socket
        return socket
    }

    /// Waits for the reply for up to the timeout, and never past `deadlineNs`, calling `waiting`
    /// every 200 ms.
    private func waitForReply(_ socket: ZMQSocket, deadlineNs: UInt64?, waiting: () -> Void) throws(ZMQError) -> Bool {
        let start = MonotonicClock.nowNs()
        let giveUpNs = min(start + UInt64(timeoutMs) * 1_000_000, deadlineNs ?? .max)
        while true {
            let now = MonotonicClock.nowNs()
            guard now < giveUpNs else { return false }
            if try socket.waitForInput(timeoutMs: min(200, Int((giveUpNs - now) / 1_000_000) + 1)) { return true }
            waiting()
        }
    }

    /// The page a reply carries; a ``VigilClientError`` for an `error` reply or anything else.
    public static func decode(_ frames: [[UInt8]], endpoint: String) throws(VigilClientError) -> CatchUpPage {
        if frames.count == 2, frames[0].elementsEqual("error".utf8) {
            let message = RequestRefusal.decodeCatchUp(frames)?.message ?? String(decoding: frames[1], as: UTF8.self)
            throw VigilClientError("the catch-up endpoint \(endpoint) refused: \(message)", code: .unavailable)
        }
        do {
            return try CatchUpPage.decode(frames)
        } catch {
            throw VigilClientError(
                "the catch-up endpoint \(endpoint) sent a reply that is not a catch-up page (\(frames.count) frames)", code: .badReply)
        }
    }
}
