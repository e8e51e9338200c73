import Dispatch
import Foundation
import Logging
import Synchronization
import VigilConfig
import VigilCore
import ZeroMQ

/// Receives detection messages on the SUB socket, validates them, and hands them to processing
/// in batches through a bounded queue.
///
/// The SUB socket and the batch buffers belong to the ingest thread (one `Thread` blocked in
/// `zmq_poll`); the only state shared with other threads is the stop flag (atomic) and the
/// counters (published under a mutex once per batch).
final class IngestStage: PipelineStage {
    private let socket: ZMQSocket
    private let settings: DaemonSettings
    private let validator: FrameValidator
    private let logger: Logger
    private let thread = ServiceThread(name: "vigil.ingest")
    private let published = Mutex(IngestStats())
    /// Room in the bounded queue to processing: one permit per batch in flight.
    private let room: DispatchSemaphore
    /// Hands a batch to processing, with the moment its first message was received (monotonic
    /// ns), and whether this thread should process it itself (``inlineMaxFrames``).
    private let deliver: @Sendable ([ValidatedFrame], UInt64, _ inline: Bool) -> Void
    /// The largest batch this thread processes itself, when processing has no batch in hand: a
    /// steady load (at 100,000 frames/s, about 20 frames a batch) costs no thread wake-up per
    /// batch (`vigil-bench cpu` at 20,000 frames/s, five trials each, interleaved: vigild 0.214 →
    /// 0.189 cores, medians). A larger batch means frames are waiting: it goes to the processing
    /// queue, so that this thread reads and validates the next one meanwhile, on its own core.
    static let inlineMaxFrames = 64
    /// With CURVE, each gateway's camera rights by its key's name; nil for plaintext (no rights
    /// checked). Replaced whole by a reload; read once per batch.
    private let rights: Mutex<[String: SecuritySettings.Peer]?>
    private let cameras: CameraRegistry

    /// Creates the stage and its socket: binds and connects every configured endpoint, or
    /// throws naming the endpoint that failed (the socket is closed then).
    init(
        context: ZMQContext, settings: DaemonSettings, security: EndpointSecurity = .plaintext,
        rights: [String: SecuritySettings.Peer]? = nil, cameras: CameraRegistry, logger: Logger,
        deliver: @escaping @Sendable ([ValidatedFrame], UInt64, _ inline: Bool) -> Void
    ) throws(DaemonError) {
        self.rights = Mutex(rights)
        self.cameras = cameras
        self.settings = settings
        validator = FrameValidator(cameras: cameras)
        self.logger = logger
        self.deliver = deliver
        room = DispatchSemaphore(value: settings.queueBatches)
        var plan = SocketPlan(.sub)
        plan.receiveHighWaterMark = Int32(clamping: settings.receiveHighWaterMark)
        plan.maxMessageBytes = Int64(settings.maxMessageBytes)
        plan.bind = settings.ingestBind
        plan.connect = settings.ingestConnect
        security.apply(to: &plan, domain: .ingest)
        plan.subscribe = settings.sectors.isEmpty ? [DetectionTopic.prefix] : settings.sectors.map { "\(DetectionTopic.prefix)\($0)." }
        do { socket = try context.open(plan) } catch {
            throw DaemonError(socket: "the detection socket", bound: "detection endpoint", connected: "gateway endpoint", error)
        }
    }

    /// The counters as of the last batch.
    var stats: IngestStats {
        var stats = published.withLock { $0 }
        stats.queued = max(0, inFlight.load(ordering: .relaxed))
        return stats
    }
    /// Batches handed to processing and not yet processed.
    private let inFlight = Atomic<Int>(0)

    /// Puts `rights` in force from the next batch on: a gateway no longer listed is refused at
    /// once, whatever connection it holds.
    func replaceRights(_ rights: [String: SecuritySettings.Peer]?) {
        self.rights.withLock { $0 = rights }
    }

    /// Called by processing when it has finished a batch: frees its place in the queue.
    func batchDone() {
        inFlight.subtract(1, ordering: .relaxed)
        room.signal()
    }

    let name = "ingest"

    /// Starts the ingest thread.
    func start() {
        thread.start { [self] in run() }
    }

    /// Stops intake: the thread leaves its loop within ~100 ms and closes the socket (a stage
    /// never started closes it here). Returns whether it did so before `deadline`.
    func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) { socket.close() }
    }

    private func run() {
        var batch = MessageBatch(
            maxStoredFrameBytes: FrameReportParser.maxPayloadBytes, reservingBytes: settings.batchSize * 512, messages: settings.batchSize)
        var stats = IngestStats()
        var limits = Limits(cameras: cameras.count, cameraRate: settings.maxCameraRate)
        var rejections = RejectionLog(logger: logger, intervalSeconds: settings.rejectionLogIntervalSeconds)
        defer { socket.close() }
        // Senders are recorded with CURVE, which a reload never turns on or off.
        batch.recordsPeers = rights.withLock { $0 != nil }
        let lingerNs = UInt64(settings.batchLingerMicroseconds) * 1_000
        var lastBatchNs: UInt64 = 0, receivedNs: UInt64 = 0
        while !thread.isStopping {
            do {
                guard try socket.waitForInput(timeoutMs: 100) else { continue }
                let firstNs = WallClock.monotonicNs()
                batch.removeAll()
                while batch.count < settings.batchSize, try socket.receive(into: &batch, dontWait: true) {}
                // Frames flowing fast (the last batch began less than two lingers ago): let a few
                // hundred µs of them gather, so that a batch is handed over (and processing woken)
                // once for many frames rather than for each. Slower, a frame goes at once: waiting
                // would gather nothing.
                if lingerNs > 0, batch.count < settings.batchSize, firstNs - lastBatchNs < 2 * lingerNs {
                    var pause = timespec(tv_sec: 0, tv_nsec: Int(lingerNs))
                    nanosleep(&pause, nil)
                    while batch.count < settings.batchSize, try socket.receive(into: &batch, dontWait: true) {}
                }
                lastBatchNs = firstNs
                receivedNs = firstNs
            } catch let error where error == .terminated || error.code == ENOTSOCK {
                logger.critical("detection socket closed under the ingest thread", metadata: ["error": "\(error)"])
                break
            } catch {
                // Anything else is taken as passing: log, breathe, carry on receiving.
                logger.error("detection socket failed", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            guard !batch.isEmpty else { continue }
            stats.received += UInt64(batch.count)
            let nowMs = WallClock.nowMs()
            var frames: [ValidatedFrame] = []
            frames.reserveCapacity(batch.count)
            let rights = batch.recordsPeers ? self.rights.withLock { $0 } : nil
            let nowNs = WallClock.monotonicNs()
            for index in 0..<batch.count {
                let checked = validator.validate(batch, message: index)
                    .flatMap { frame in Self.authorize(frame, of: batch, message: index, rights, cameras, &stats) }
                    .flatMap { frame in limits.admit(frame, gateway: rights == nil ? nil : batch.peer(ofMessage: index), rights, cameras, nowNs: nowNs) }
                switch checked {
                case .success(let frame):
                    frames.append(frame)
                case .failure(let error):
                    stats.rejected[error.reason, default: 0] += 1
                    rejections.record(error, topic: Self.topic(of: batch, message: index), nowMs: nowMs)
                }
            }
            if !frames.isEmpty && hand(frames, receivedNs: receivedNs, stats: &stats) {
                stats.handedOver += UInt64(frames.count)
                stats.batches += 1
            }
            let snapshot = stats
            published.withLock { $0 = snapshot }
        }
    }

    /// Waits for room in the bounded queue as the overflow policy says, then delivers.
    private func hand(_ frames: [ValidatedFrame], receivedNs: UInt64, stats: inout IngestStats) -> Bool {
        switch settings.overflow {
        case .block:
            while room.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                stats.stalls += 1
                if thread.isStopping {
                    // Shutting down with processing stuck: what could not be handed over is dropped and counted.
                    stats.droppedQueueFull += UInt64(frames.count)
                    return false
                }
            }
        case .drop:
            if room.wait(timeout: .now()) == .timedOut {
                stats.droppedQueueFull += UInt64(frames.count)
                return false
            }
        }
        let idle = inFlight.add(1, ordering: .relaxed).newValue == 1
        deliver(frames, receivedNs, idle && frames.count <= Self.inlineMaxFrames)
        return true
    }

    /// `frame` when its sender's key may report for its camera (always, without CURVE); else the
    /// rejection, counted for the gateway.
    private static func authorize(
        _ frame: ValidatedFrame, of batch: MessageBatch, message index: Int, _ rights: [String: SecuritySettings.Peer]?,
        _ cameras: CameraRegistry, _ stats: inout IngestStats
    ) -> Result<ValidatedFrame, FrameReportError> {
        guard let rights else { return .success(frame) }
        guard let gateway = batch.peer(ofMessage: index), let allowed = rights[gateway] else {
            return .failure(FrameReportError(.unknownGateway, "sent over a connection whose key is not (or no longer) a listed gateway"))
        }
        let camera = cameras[frame.camera]
        guard allowed.rights.allows(camera: camera.id, sector: camera.sector) else {
            stats.gateways[gateway, default: GatewayStats()].unauthorizedCamera += 1
            return .failure(FrameReportError(.unauthorizedCamera, "gateway \(gateway) may not report for \(camera.id) (sector \(camera.sector))"))
        }
        stats.gateways[gateway, default: GatewayStats()].frames += 1
        return .success(frame)
    }

    /// The rate limits, per camera and per gateway (token buckets over 2 s), owned by the
    /// ingest thread.
    private struct Limits {
        var cameras: [TokenBucket]
        var gateways: [String: TokenBucket] = [:]

        init(cameras count: Int, cameraRate: Double) {
            cameras = Array(repeating: TokenBucket(ratePerSecond: cameraRate, burst: 2 * cameraRate), count: count)
        }

        /// `frame` if its camera and its gateway are within their rates at `nowNs`.
        mutating func admit(
            _ frame: ValidatedFrame, gateway: String?, _ rights: [String: SecuritySettings.Peer]?, _ registry: CameraRegistry, nowNs: UInt64
        ) -> Result<ValidatedFrame, FrameReportError> {
            if let gateway, let peer = rights?[gateway] {
                var bucket = gateways[gateway] ?? TokenBucket(ratePerSecond: peer.maxRate, burst: 2 * peer.maxRate, nowNs: nowNs)
                defer { gateways[gateway] = bucket }
                guard bucket.take(nowNs: nowNs) else {
                    return .failure(FrameReportError(.rateLimited, "gateway \(gateway) sends more than its max_rate (\(Int(peer.maxRate)) frames/s)"))
                }
            }
            guard cameras[frame.camera].take(nowNs: nowNs) else {
                return .failure(
                    FrameReportError(.rateLimited, "\(registry[frame.camera].id) sends more than ingest.max_camera_rate (\(Int(cameras[frame.camera].ratePerSecond)) frames/s)"))
            }
            return .success(frame)
        }
    }

    private static func topic(of batch: MessageBatch, message index: Int) -> String {
        guard let first = batch.frames(ofMessage: index).first else { return "" }
        return batch.withBytes(of: first) { bytes in
            String(decoding: bytes.prefix(80), as: UTF8.self)
        }
    }
}
