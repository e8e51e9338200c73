import Dispatch
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Answers operator requests on a REP socket, on its own thread: `stats` (every counter, as
/// JSON), `ping` and the silences; with CURVE, each request comes with the operator's name (the
/// name of the key the ZAP handler let in). The protocol: the request is one frame of ASCII, the reply one frame of JSON.
///
/// The socket belongs to the control thread (``ServiceThread``).
final class ControlServer: PipelineStage {
    private let socket: ZMQSocket
    private let thread = ServiceThread(name: "vigil.control")
    private let answer: @Sendable (_ command: String, _ operator: String?) -> [UInt8]
    private let logger: Logger

    /// The largest request frame taken (`silence add` with a long comment is a few KiB). A peer
    /// that sends a larger frame is disconnected by libzmq before it is read into memory
    /// (ZMQ_MAXMSGSIZE); it is also the largest frame `receiveMessage` keeps whole, so no
    /// request reaches the commands emptied.
    static let maxRequestBytes: Int64 = 1 << 20

    init(context: ZMQContext, endpoint: String, security: EndpointSecurity = .plaintext, logger: Logger, answer: @escaping @Sendable (_ command: String, _ operator: String?) -> [UInt8]) throws(DaemonError) {
        self.answer = answer
        self.logger = logger
        var plan = SocketPlan(.rep)
        plan.maxMessageBytes = Self.maxRequestBytes
        security.apply(to: &plan, domain: .control)
        plan.bind = [endpoint]
        do { socket = try context.open(plan) } catch {
            throw DaemonError(socket: "the control socket", bound: "control endpoint", error)
        }
    }

    let name = "control"

    /// Starts the server's thread.
    func start() {
        thread.start { [self] in run() }
    }

    /// Stops the thread, which closes the socket; returns whether it did so before `deadline`.
    func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) { socket.close() }
    }

    private func run() {
        defer { socket.close() }
        while !thread.isStopping {
            do {
                guard try socket.waitForInput(timeoutMs: 100), let request = try socket.receiveMessageWithPeer(dontWait: true) else { continue }
                let command = String(decoding: request.frames.first ?? [], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                try socket.send([answer(command, request.peer)])
            } catch {
                logger.error("control socket failed", metadata: ["error": "\(error)"])
                return
            }
        }
    }
}
