import Dispatch
import Logging
import Synchronization
import VigilCore
import ZeroMQ

/// Publishes alert messages on the PUB socket, numbering them with `seq` from 1, gap-free.
///
/// The queue from processing is bounded (``maxPendingBatches``). Alerts are never dropped: when
/// it is full, processing waits, and so back-pressure reaches ingest, where it is counted.
///
/// `@unchecked Sendable`: the socket, `seq` and the counters are touched only on `queue`
/// (checked with `dispatchPrecondition`), except `stalls`, which is atomic.
final class PublishStage: @unchecked Sendable {
    let queue = DispatchQueue(label: "vigil.publish")
    private let socket: ZMQSocket
    private var counters = PublishStats()
    private let logger: Logger
    /// Batches of alerts waiting to be published, at most.
    static let maxPendingBatches = 1_024
    private let room = DispatchSemaphore(value: PublishStage.maxPendingBatches)
    private let stalls = Atomic<UInt64>(0)

    /// Creates the PUB socket and binds every endpoint, or throws naming the one that failed.
    init(context: ZMQContext, endpoints: [String], sendHighWaterMark: Int, logger: Logger) throws(DaemonError) {
        self.logger = logger
        do {
            // LINGER: on shutdown, give subscribers a second to take what was published last.
            socket = try ZMQSocket(context: context, type: .pub, lingerMs: 1_000)
            try socket.setSendHighWaterMark(Int32(clamping: sendHighWaterMark))
        } catch {
            throw DaemonError(.socket, "cannot create the alert socket: \(error)")
        }
        for endpoint in endpoints {
            do { try socket.bind(endpoint) } catch {
                socket.close()
                throw DaemonError(.bind, "cannot bind the alert endpoint \(endpoint): \(error)")
            }
        }
    }

    /// Publishes `events` in order. Blocks the caller while ``maxPendingBatches`` are waiting.
    func publish(_ events: [AlertEvent]) {
        while room.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            stalls.add(1, ordering: .relaxed)
        }
        queue.async { [self] in
            defer { room.signal() }
            dispatchPrecondition(condition: .onQueue(queue))
            for event in events {
                counters.lastSeq += 1
                let payload = AlertEncoder.encode(event, seq: counters.lastSeq, emittedTs: WallClock.nowMs())
                do {
                    // A PUB socket never blocks: past a subscriber's high-water mark libzmq drops for that subscriber only.
                    try socket.send(topic: event.topic, payload: payload)
                    counters.published += 1
                } catch {
                    logger.error("alert publish failed", metadata: ["alert.id": "\(event.id)", "alert.seq": "\(counters.lastSeq)", "error": "\(error)"])
                }
                logger.info(
                    "alert",
                    metadata: [
                        "alert.seq": "\(counters.lastSeq)", "alert.state": "\(event.state.rawValue)", "alert.id": "\(event.id)",
                        "alert.kind": "\(event.kind)", "alert.severity": "\(event.severity.rawValue)", "alert.zone": "\(event.zone)",
                        "alert.direction": "\(event.direction ?? "-")", "alert.cameras": "\(event.cameras.joined(separator: ","))",
                    ])
            }
        }
    }

    /// Waits for everything submitted to be published, then closes the socket (lingering up to 1 s).
    func close() {
        queue.sync { socket.close() }
    }

    /// Counters, read on the queue.
    func stats() -> PublishStats {
        var stats = queue.sync { counters }
        stats.stalls = stalls.load(ordering: .relaxed)
        return stats
    }
}
