import Dispatch
import Logging
import VigilCore

/// Runs the alert engine on one serial queue: every batch from ingest, and a timer that lets
/// incidents resolve by the wall clock when feeds fall silent and cameras go offline. The
/// engine's messages pass the silences (``AlertGate``) on their way to the publisher.
///
/// `@unchecked Sendable`: `engine`, `gate`, `rejections`, `processed` and `rejected` are touched
/// only on `queue` (checked with `dispatchPrecondition`).
final class ProcessingStage: @unchecked Sendable {
    let queue = DispatchQueue(label: "vigil.processing")
    private var engine: AlertEngine
    private var gate: AlertGate
    private let silenceStore: SilenceStore?
    private var rejections: RejectionLog
    private var processed: UInt64 = 0
    private var rejected: [RejectReason: UInt64] = [:]
    private var timer: DispatchSourceTimer?
    private let emit: @Sendable ([AlertEvent]) -> Void
    private let logger: Logger

    init(
        engine: AlertEngine, silences: [Silence], silenceStore: SilenceStore?, logger: Logger, rejectionLogIntervalSeconds: Double,
        emit: @escaping @Sendable ([AlertEvent]) -> Void
    ) {
        self.engine = engine
        gate = AlertGate(silences: silences)
        self.silenceStore = silenceStore
        self.logger = logger
        rejections = RejectionLog(logger: logger, intervalSeconds: rejectionLogIntervalSeconds)
        self.emit = emit
    }

    /// Starts the expiry timer (every 500 ms).
    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        timer.setEventHandler { [self] in
            let nowMs = WallClock.nowMs()
            var alerts: [AlertEvent] = []
            engine.expire(wallNowMs: nowMs, into: &alerts)
            let ended = gate.expire(nowMs: nowMs)
            if ended.expired { persistSilences() }
            send(alerts, released: ended.events, nowMs: nowMs)
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
        send(alerts, released: [], nowMs: nowMs)
    }

    /// Passes the engine's messages through the silences and hands what is visible to the
    /// publisher, after the incidents a silence no longer holds back.
    private func send(_ alerts: [AlertEvent], released: [AlertEvent], nowMs: Int64) {
        guard !alerts.isEmpty || !released.isEmpty else { return }
        let visible = released + gate.pass(alerts, nowMs: nowMs)
        if !visible.isEmpty { emit(visible) }
    }

    // MARK: Silences (called from the control thread)

    /// Adds a silence from its JSON form (`id` and `created_ms` are assigned here); returns it.
    func addSilence(_ request: SilenceJSON) -> Result<Silence, SilenceError> {
        queue.sync {
            let nowMs = WallClock.nowMs()
            let id = "si-" + String(UInt64.random(in: 0..<(1 << 40)), radix: 16)
            let silence: Silence
            do throws(SilenceError) { silence = try request.silence(id: id, nowMs: nowMs) } catch { return .failure(error) }
            gate.add(silence)
            persistSilences()
            logger.notice("silence added", metadata: ["silence": "\(SilenceJSON(silence))"])
            return .success(silence)
        }
    }

    /// Removes silence `id`; the incidents it held back that are open become visible. Returns
    /// whether it existed.
    func removeSilence(id: String) -> Bool {
        queue.sync {
            let nowMs = WallClock.nowMs()
            let (removed, released) = gate.remove(id: id, nowMs: nowMs)
            guard removed else { return false }
            persistSilences()
            logger.notice("silence removed", metadata: ["silence.id": "\(id)", "incidents.released": "\(released.count)"])
            send([], released: released, nowMs: nowMs)
            return true
        }
    }

    /// The silences in force.
    func silences() -> [Silence] {
        queue.sync { gate.silences }
    }

    private func persistSilences() {
        guard let silenceStore else { return }
        do { try silenceStore.save(gate.silences) } catch {
            logger.error("cannot keep the silences", metadata: ["error": "\(error)"])
        }
    }

    /// Stops the timer and waits for every submitted batch to be processed.
    func drain() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
    }

    /// Counters, read on the queue.
    func stats() -> (engine: EngineStats, processed: UInt64, rejected: [RejectReason: UInt64], silenced: UInt64, silences: Int) {
        queue.sync { (engine.stats, processed, rejected, gate.held, gate.silences.count) }
    }
}
