import Dispatch
import Logging
import Synchronization
import ZeroMQ

/// vigild's ZAP handler (RFC 27): libzmq asks it about every CURVE handshake on vigild's
/// endpoints, and it lets in only the public keys listed for that endpoint's domain, answering
/// with the key's name as the user id (what ingest, the control server, the logs and `stats`
/// know the peer by).
///
/// Bound at `inproc://zeromq.zap.01` in the daemon's context before any CURVE socket binds: a
/// stable libzmq lets every CURVE client in when no handler is bound. Requests wait in the
/// socket until the thread is started. The lists can be replaced while it runs (``replace(_:)``):
/// a key removed is refused at its next handshake, and ingest refuses its frames at once.
///
/// `@unchecked Sendable`: `refusalLog` belongs to the handler thread; the lists and counters are
/// under mutexes.
final class ZapHandler: PipelineStage, @unchecked Sendable {
    /// The ZAP domains of vigild's endpoints.
    enum Domain: String, CaseIterable, Sendable {
        case ingest, alerts, catchup, control, replication
    }

    /// Per domain, the keys let in and their names.
    typealias Lists = [Domain: [CurveKey: String]]

    static let endpoint = "inproc://zeromq.zap.01"

    let name = "zap"
    private let socket: ZMQSocket
    private let thread = ServiceThread(name: "vigil.zap")
    private let lists: Mutex<Lists>
    private let counters = Mutex(HandshakeStats())
    private let logger: Logger
    /// Refusals logged at most once per 10 s per domain (the handler thread's own): a peer
    /// retrying every 100 ms must not flood the log.
    private var refusalLog = LogThrottle()

    /// Binds the handler's socket in `context`.
    init(context: ZMQContext, lists: Lists, logger: Logger) throws(DaemonError) {
        self.lists = Mutex(lists)
        self.logger = logger
        var plan = SocketPlan(.rep)
        plan.bind = [Self.endpoint]
        do { socket = try context.open(plan) } catch {
            throw DaemonError(socket: "the ZAP handler's socket", bound: "ZAP endpoint", error)
        }
    }

    /// Starts answering.
    func start() {
        thread.start { [self] in run() }
    }

    /// Stops answering and closes the socket. Stopped last: until then, handshakes get answers.
    func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) { socket.close() }
    }

    /// Puts `lists` in force for every handshake from now on.
    func replace(_ lists: Lists) {
        self.lists.withLock { $0 = lists }
    }

    /// Handshakes let in and refused so far, per domain.
    func stats() -> HandshakeStats {
        counters.withLock { $0 }
    }

    private func run() {
        defer { socket.close() }
        while !thread.isStopping {
            do {
                guard try socket.waitForInput(timeoutMs: 100), let request = try socket.receiveMessage(dontWait: true) else { continue }
                try socket.send(answer(request))
            } catch {
                logger.error("ZAP handler socket failed", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// The reply to one request: `[version, request id, status code, status text, user id, metadata]`.
    func answer(_ request: [[UInt8]]) -> [[UInt8]] {
        // version, request id, domain, address, routing id, mechanism, credentials…
        guard request.count >= 6, request[0] == Array("1.0".utf8) else {
            return [Array("1.0".utf8), request.count > 1 ? request[1] : [], Array("500".utf8), Array("malformed ZAP request".utf8), [], []]
        }
        let domainText = String(decoding: request[2], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        let reply: (code: String, text: String, user: String)
        if let domain = Domain(rawValue: domainText), mechanism == "CURVE", request.count >= 7, let key = CurveKey(bytes: request[6]) {
            if let user = lists.withLock({ $0[domain]?[key] }) {
                reply = ("200", "OK", user)
            } else {
                reply = ("400", "key not allowed on \(domainText)", "")
                logRefusal(domainText, ["peer": "\(address)", "key": "\(key)", "reason": "key not listed"])
            }
        } else {
            reply = ("400", "CURVE with a listed key required", "")
            logRefusal(domainText, ["peer": "\(address)", "mechanism": "\(mechanism)", "reason": "not CURVE"])
        }
        counters.withLock { stats in
            if reply.code == "200" { stats.allowed[domainText, default: 0] += 1 } else { stats.refused[domainText, default: 0] += 1 }
        }
        return [Array("1.0".utf8), request[1], Array(reply.code.utf8), Array(reply.text.utf8), Array(reply.user.utf8), []]
    }

    /// Logs a refused handshake on `domain`, at most once per 10 s per domain, with how many were
    /// refused meanwhile.
    private func logRefusal(_ domain: String, _ metadata: Logger.Metadata) {
        guard let held = refusalLog.admit(domain, nowMs: WallClock.nowMs()) else { return }
        var metadata = metadata
        metadata["endpoint"] = "\(domain)"
        metadata["refused.since_last_notice"] = "\(held + 1)"
        logger.warning("handshake refused", metadata: metadata)
    }
}

/// Handshakes the ZAP handler let in and refused, per endpoint (its ZAP domain).
public struct HandshakeStats: Sendable, Equatable {
    /// Let in, per endpoint.
    public var allowed: [String: UInt64] = [:]
    /// Refused, per endpoint.
    public var refused: [String: UInt64] = [:]

    /// Zero counters.
    public init() {}
}
