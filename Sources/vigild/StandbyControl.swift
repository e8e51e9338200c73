import Foundation
import Logging
import VigilWire
import ZeroMQ

/// A cluster standby's control endpoint (it runs no pipeline, so no ``ControlServer``): `ping`
/// and `stats`, whose reply holds only the `cluster` section, so that an operator or
/// `vigil stats` sees what the node is and how far behind. Closed before the node, once active,
/// binds the same endpoint for its daemon.
final class StandbyControl: Sendable {
    private let socket: ZMQSocket
    private let context: ZMQContext
    private let thread = ServiceThread(name: "vigil.standby.control")
    private let status: @Sendable () -> StatsMessage.Cluster
    private let logger: Logger

    /// Binds a REP socket on `endpoint`.
    init(endpoint: String, status: @escaping @Sendable () -> StatsMessage.Cluster, logger: Logger) throws {
        context = try ZMQContext()
        var plan = SocketPlan(.rep)
        plan.maxMessageBytes = 1 << 20
        plan.lingerMs = 0
        plan.bind = [endpoint]
        socket = try context.open(plan)
        self.status = status
        self.logger = logger
    }

    func start() {
        thread.start { [self] in run() }
    }

    /// Stops answering and lets go of the endpoint.
    func stop() {
        _ = thread.stop(deadline: .now() + 2) { socket.close() }
        context.terminate()
    }

    private func run() {
        defer { socket.close() }
        while !thread.isStopping {
            do {
                guard try socket.waitForInput(timeoutMs: 100), let request = try socket.receiveMessage(dontWait: true) else { continue }
                let command = String(decoding: request.first ?? [], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                switch command {
                case "ping":
                    try socket.send([Array(#"{"ok":true,"role":"standby"}"#.utf8)])
                case "stats":
                    var stats = StatsMessage()
                    stats.cluster = status()
                    try socket.send([stats.encoded()])
                default:
                    try socket.send([Array(#"{"ok":false,"error":"this node is a cluster standby: it answers ping and stats only; the active node answers the rest"}"#.utf8)])
                }
            } catch {
                logger.error("the standby's control socket failed", metadata: ["error": "\(error)"])
                return
            }
        }
    }
}
