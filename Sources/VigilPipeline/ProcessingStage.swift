import Dispatch
import Logging
import VigilCore

/// Runs the alert engine on one serial queue: every batch from ingest, and a timer that lets
/// incidents resolve by the wall clock when feeds fall silent.
///
/// `@unchecked Sendable`: `engine`, `rejections`, `processed` and `rejected` are touched only on
/// `queue` (checked with `dispatchPrecondition`).
final class ProcessingStage: @unchecked Sendable {
    let queue = DispatchQueue(label: "vigil.processing")
    private var engine: AlertEngine
    private var rejections: RejectionLog
    private var processed: UInt64 = 0
    private var rejected: [RejectReason: UInt64] = [:]
    private var timer: DispatchSourceTimer?
    private let emit: @Sendable ([AlertEvent]) -> Void
    private let logger: Logger

    init(engine: AlertEngine, logger: Logger, rejectionLogIntervalSeconds: Double, emit: @escaping @Sendable ([AlertEvent]) -> Void) {
        self.engine = engine
        self.logger = logger
        rejections = RejectionLog(logger: logger, intervalSeconds: rejectionLogIntervalSeconds)
        self.emit = emit
    }

    /// Starts the expiry timer (every 500 ms).
    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        timer.setEventHandler { [self] in
            var alerts: [AlertEvent] = []
            engine.expire(wallNowMs: WallClock.nowMs(), into: &alerts)
            if !alerts.isEmpty { emit(alerts) }
        }
        timer.resume()
        self.timer = timer
    }

    /// Processes `frames` on the queue, then calls `done` (which frees the batch's place in the
    /// bounded queue from ingest).
    func submit(_ frames: [ValidatedFrame], done: @escaping @Sendable () -> Void) {
        queue.async { [self] in
            process(frames)
            done()
        }
    }

    private func process(_ frames: [ValidatedFrame]) {
        dispatchPrecondition(condition: .onQueue(queue))
        var alerts: [AlertEvent] = []
        let nowMs = WallClock.nowMs()
        for frame in frames {
            if case .rejected(let error) = engine.process(frame.report, camera: frame.camera, wallNowMs: nowMs, into: &alerts) {
                rejected[error.reason, default: 0] += 1
                rejections.record(error, topic: DetectionTopic.make(sector: engine.cameras[frame.camera].sector, camera: frame.report.camera), nowMs: nowMs)
            }
        }
        processed += UInt64(frames.count)
        engine.expire(wallNowMs: nowMs, into: &alerts)
        if !alerts.isEmpty { emit(alerts) }
    }

    /// Stops the timer and waits for every submitted batch to be processed.
    func drain() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
    }

    /// Counters, read on the queue.
    func stats() -> (engine: EngineStats, processed: UInt64, rejected: [RejectReason: UInt64]) {
        queue.sync { (engine.stats, processed, rejected) }
    }
}
