import Foundation
import Logging
import ServiceLifecycle
import Testing
import VigilConfig
import VigilCore
import VigilPipeline
import ZeroMQ

/// The daemon's life cycle with real sockets: started and stopped by a swift-service-lifecycle
/// `ServiceGroup`, and a failed start that leaves no endpoint behind.
@Suite(.serialized) struct DaemonLifecycleTests {
    /// A graceful shutdown of the group stops the stages in order: the crossing sent just before
    /// is processed, journaled and published before the alert socket closes.
    @Test func aServiceGroupShutdownPublishesWhatIsDue() async throws {
        let configuration = try DaemonTests.configuration()
        let daemon = try Daemon(configuration: configuration, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: daemon)], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        let peers = try DaemonTests.Peers(configuration)
        defer { peers.close() }
        // A message for a camera nobody knows, until ingest has one: the gateway's connection
        // and subscription are up (however loaded the machine), and the crossing is not lost to
        // the slow-joiner drop.
        for _ in 0..<500 where daemon.stats().ingest.received == 0 {
            try peers.send([("det.S01.probe", Array("{}".utf8))])
            try await Task.sleep(for: .milliseconds(20))
        }
        let probes = daemon.stats().ingest.received
        let crossing = DaemonTests.crossing(camera: "cam-a", track: 1, seqStart: 1, ts: WallClock.nowMs() - 5_000)
        try peers.send(crossing)
        for _ in 0..<500 where daemon.stats().ingest.received < probes + UInt64(crossing.count) { try await Task.sleep(for: .milliseconds(10)) }
        await group.triggerGracefulShutdown()
        try await running.value
        // Everything the engine made is published (a raised, and on a loaded machine also an
        // update when the frames came in more batches), the raised first.
        let stats = daemon.stats()
        #expect(stats.engine.raised == 1)
        #expect(stats.publish.published == stats.engine.raised + stats.engine.updated + stats.engine.resolved)
        let first = try #require(try peers.receive(timeoutMs: 2_000), "the raised alert left before the socket closed")
        #expect(try AlertMessage.decode(first).state == .raised)
        // Stopping again finds every stage stopped, at once.
        let started = ContinuousClock.now
        daemon.shutdown()
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    /// The last stage to be made (control) cannot bind: every stage made before it is cancelled,
    /// and each of their endpoints can be bound again.
    @Test func aFailedStartLeavesEveryEndpointFree() throws {
        var configuration = try DaemonTests.configuration()
        let context = try ZMQContext()
        let squatter = try ZMQSocket(context: context, type: .rep)
        defer { squatter.close() }
        configuration.settings.controlBind = try squatter.bind("tcp://127.0.0.1:*")
        do {
            _ = try Daemon(configuration: configuration, logger: Logger(label: "test"))
            Issue.record("started with its control endpoint taken")
        } catch {
            #expect(error.code == .bind)
            #expect(error.message == "cannot bind the control endpoint \(configuration.settings.controlBind): zmq_bind: Address already in use (errno 98)")
        }
        let settings = configuration.settings
        for endpoint in settings.ingestBind + settings.publishBind + [settings.catchupBind] {
            let socket = try ZMQSocket(context: context, type: .pub)
            defer { socket.close() }
            #expect(throws: Never.self, "\(endpoint) is still bound") { _ = try socket.bind(endpoint) }
        }
    }
}
