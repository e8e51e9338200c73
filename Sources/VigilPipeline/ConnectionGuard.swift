import Dispatch
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Holds each of vigild's endpoints to `security.max_connections` connections, and says when
/// connections cannot be accepted at all.
///
/// libzmq has no limit on a socket's connections, and no call to close one of them. Every
/// endpoint's socket reports its connection events (``SocketEvent``: accepted, with the file
/// descriptor; disconnected; accept failed) to one of this stage's PAIR sockets, and the stage's
/// thread keeps the table of each endpoint's open connections. When an accepted connection takes
/// an endpoint past its limit, the stage closes one (``AcceptedConnection/shutdown()``), chosen
/// so that connections that never handshake cannot keep real peers out (the case of
/// CVE-2020-15166, and of 1,100 idle connections that left a gateway unsubscribed for 15 s):
///
/// 1. the oldest connection whose peer has not yet sent a whole ZMTP greeting (64 bytes): a bare
///    TCP connection, idle;
/// 2. else the oldest whose peer has sent fewer bytes than the shortest complete handshake
///    (``handshakeBytes(curve:)``): it cannot be through its handshake yet;
/// 3. else the new connection itself: every connection held is a peer that has handshaken.
///
/// So an attacker who wants to keep a gateway out must open more than the limit's worth of
/// connections in the one round trip the gateway needs to send its greeting, again for every
/// try; and `security.handshake_ms` drops whatever has not handshaken by then.
///
/// Every closing is counted per endpoint (`connections.<endpoint>.closed_at_limit` in `stats`)
/// and logged (at most once per 10 s per endpoint, with how many since); so is a connection the
/// kernel could not hand over (`accept_failed`: out of file descriptors, EMFILE).
///
/// The monitor's PAIR sockets connect before the endpoints' sockets exist (inproc allows
/// connecting first), so that no event is lost between a bind and the stage's start. Stopped
/// after the endpoints it watches.
///
/// `@unchecked Sendable`: the tables and the monitor sockets belong to the stage's thread once it
/// is started; the counters are under a mutex.
final class ConnectionGuard: PipelineStage, @unchecked Sendable {
    /// What the guard is told about one endpoint's connection table.
    struct Limits: Sendable {
        /// Connections per endpoint at most.
        var maxConnections: Int
        /// Whether the endpoints speak CURVE (the shortest complete handshake is longer).
        var curve: Bool
    }

    /// One connection held.
    private struct Held {
        let connection: AcceptedConnection
        /// Acceptance order on its endpoint.
        let order: UInt64
    }

    let name = "connections"
    let limits: Limits
    private let thread = ServiceThread(name: "vigil.connections")
    private let watched: [(domain: ZapHandler.Domain, socket: ZMQSocket)]
    private let counters = Mutex([String: ConnectionStats]())
    private let logger: Logger
    // The thread's own.
    private var held: [ZapHandler.Domain: [Int32: Held]] = [:]
    private var accepted: UInt64 = 0
    private var noticeLog = LogThrottle()

    /// The endpoint to which the socket of `domain` reports its connection events.
    static func monitorEndpoint(_ domain: ZapHandler.Domain) -> String {
        "inproc://vigil.connections.\(domain.rawValue)"
    }

    /// The fewest bytes a peer sends to complete its side of a handshake: the ZMTP 3.0 greeting
    /// (64), then for NULL a READY command with its Socket-Type property (27 bytes with a type of
    /// three letters, PUB, SUB, REQ or REP); for CURVE, HELLO (202) and INITIATE (a long frame: 9
    /// + 257, + 19 of the same property in its box) (RFC 23, RFC 26). A peer that has sent fewer is
    /// not through its handshake. `ConnectionGuardTests` checks real peers of every pair of types:
    /// 91 to 107 bytes with NULL, 551 to 567 with CURVE.
    static func handshakeBytes(curve: Bool) -> UInt64 {
        curve ? 64 + 202 + 9 + 257 + 19 : 64 + 27
    }

    /// The limit per endpoint: `wanted`, lowered so that four endpoints at their limit leave 256
    /// descriptors of `openFiles` (the process's limit) for everything else.
    static func effectiveLimit(wanted: Int, openFiles: UInt64) -> Int {
        let spare = openFiles > 256 + 4 * 16 ? Int(clamping: (openFiles - 256) / 4) : 16
        return max(16, min(wanted, spare))
    }

    /// Connects a monitor socket for each of `domains` in `context`.
    init(context: ZMQContext, domains: [ZapHandler.Domain], limits: Limits, logger: Logger) throws(DaemonError) {
        self.limits = limits
        self.logger = logger
        var watched: [(ZapHandler.Domain, ZMQSocket)] = []
        for domain in domains {
            var plan = SocketPlan(.pair)
            plan.connect = [Self.monitorEndpoint(domain)]
            do { watched.append((domain, try context.open(plan))) } catch {
                for (_, socket) in watched { socket.close() }
                throw DaemonError(socket: "the connection monitor of \(domain.rawValue)", bound: "inproc", error)
            }
        }
        self.watched = watched
        counters.withLock { stats in
            for domain in domains { stats[domain.rawValue] = ConnectionStats(limit: UInt64(limits.maxConnections)) }
        }
    }

    func start() {
        thread.start { [self] in run() }
    }

    func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) { closeAll() }
    }

    /// Per endpoint, the connections open and what was done at the limit.
    func stats() -> [String: ConnectionStats] {
        counters.withLock { $0 }
    }

    private func closeAll() {
        for (_, socket) in watched { socket.close() }
    }

    private func run() {
        defer { closeAll() }
        let sockets = watched.map(\.socket)
        while !thread.isStopping {
            do {
                let ready = try ZMQSocket.waitForInput(sockets, timeoutMs: 100)
                for (index, isReady) in ready.enumerated() where isReady {
                    // Everything waiting, before acting: an event further on may say a descriptor is closed.
                    while let frames = try sockets[index].receiveMessage(dontWait: true) {
                        if let event = SocketEvent(frames: frames) { handle(event, on: watched[index].domain) }
                    }
                }
            } catch {
                logger.error("the connection monitor failed; connections are no longer limited", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// Keeps the table of `domain` as `event` says.
    func handle(_ event: SocketEvent, on domain: ZapHandler.Domain) {
        let descriptor = Int32(bitPattern: event.value)
        switch event.kind {
        case .accepted:
            admit(descriptor, endpoint: event.endpoint, domain: domain)
        case .disconnected:
            if held[domain]?.removeValue(forKey: descriptor) != nil { count(domain) { $0.open = UInt64(self.held[domain]?.count ?? 0) } }
        case .acceptFailed:
            count(domain) { $0.acceptFailed += 1 }
            notice(domain, "a connection could not be accepted", ["error": "\(String(cString: strerror(descriptor))) (errno \(descriptor))"])
        case .handshakeFailed:
            count(domain) { $0.handshakesFailed += 1 }
        case .handshakeSucceeded, .monitorStopped, .other:
            break
        }
    }

    /// Takes a connection just accepted into the table of `domain`, closing one if that takes the
    /// endpoint past its limit.
    private func admit(_ descriptor: Int32, endpoint: String, domain: ZapHandler.Domain) {
        // Gone already (its `disconnected` is next), or the number already names a connection of
        // another endpoint: nothing to hold.
        guard let connection = AcceptedConnection(descriptor: descriptor) else { return }
        if let port = connection.localPort, let bound = Self.port(of: endpoint), port != bound { return }
        accepted += 1
        var table = held[domain] ?? [:]
        table[descriptor] = Held(connection: connection, order: accepted)
        var closed: (Held, String)?
        if table.count > limits.maxConnections {
            let victim = choose(in: table, newest: descriptor)
            if victim.0.connection.shutdown() { closed = victim }
            // Shut down, or closed already: either way no longer held.
            table[victim.0.connection.descriptor] = nil
        }
        held[domain] = table
        count(domain) { stats in
            stats.open = UInt64(table.count)
            stats.peak = max(stats.peak, stats.open)
            if closed != nil { stats.closedAtLimit += 1 }
        }
        if let (victim, reason) = closed {
            notice(
                domain, "connection limit reached; a connection was closed",
                ["limit": "\(limits.maxConnections)", "closed.peer": "\(victim.connection.peer)", "closed.why": "\(reason)"])
        }
    }

    /// The connection to close in `table`, which is over its limit since `newest` came, and why.
    /// Oldest first, the kernel asked about each until an idle one is found.
    private func choose(in table: [Int32: Held], newest: Int32) -> (Held, String) {
        let complete = Self.handshakeBytes(curve: limits.curve)
        var handshaking: Held?
        for held in table.values.sorted(by: { $0.order < $1.order }) where held.connection.descriptor != newest {
            let received = held.connection.bytesReceived ?? .max
            if received < 64 { return (held, "the oldest that had not sent a ZMTP greeting") }
            if handshaking == nil, received < complete { handshaking = held }
        }
        if let handshaking { return (handshaking, "the oldest that had not completed a handshake") }
        return (table[newest]!, "the new one: every other had completed its handshake")
    }

    /// The port of a `tcp://host:port` endpoint; nil for any other.
    static func port(of endpoint: String) -> Int? {
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return nil }
        return Int(endpoint[endpoint.index(after: colon)...])
    }

    private func count(_ domain: ZapHandler.Domain, _ change: (inout ConnectionStats) -> Void) {
        counters.withLock { stats in change(&stats[domain.rawValue, default: ConnectionStats(limit: UInt64(limits.maxConnections))]) }
    }

    /// Logs `message` about `domain`, at most once per 10 s per endpoint and message.
    private func notice(_ domain: ZapHandler.Domain, _ message: String, _ metadata: Logger.Metadata) {
        guard let held = noticeLog.admit("\(domain.rawValue) \(message)", nowMs: WallClock.nowMs()) else { return }
        var metadata = metadata
        metadata["endpoint"] = "\(domain.rawValue)"
        metadata["since_last_notice"] = "\(held + 1)"
        logger.warning("\(message)", metadata: metadata)
    }
}

/// One endpoint's connections, as ``ConnectionGuard`` counts them.
public struct ConnectionStats: Sendable, Equatable {
    /// The endpoint's limit (`security.max_connections`, as lowered for the open-files limit).
    public var limit: UInt64
    /// Connections open now, and at most since the start.
    public var open: UInt64 = 0, peak: UInt64 = 0
    /// Connections closed because the endpoint was at its limit.
    public var closedAtLimit: UInt64 = 0
    /// Connections the kernel could not hand over (EMFILE: out of file descriptors).
    public var acceptFailed: UInt64 = 0
    /// Handshakes that failed (a protocol error: plaintext against CURVE, a wrong server key;
    /// or authentication refused).
    public var handshakesFailed: UInt64 = 0

    /// Zero counters under `limit`.
    public init(limit: UInt64) {
        self.limit = limit
    }
}
