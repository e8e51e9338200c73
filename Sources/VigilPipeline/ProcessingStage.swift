import Dispatch
import Logging
import VigilCore

/// Drives the core's ``AlertProcessor`` (the engine, the silences, the outbox) on one serial
/// queue with the wall clock: every batch from ingest, and a timer every
/// ``AlertProcessor/expiryIntervalMs`` that lets incidents resolve when feeds fall silent and
/// cameras go offline. The journal takes the outbox, with a copy of the state right after it
/// (``take(_:)``), never waiting for a commit. The timer also logs, at a bounded rate, the
/// cameras whose frames went missing (ZeroMQ drops at its high-water marks without a word; the
/// `seq` gaps are the only trace).
///
/// `@unchecked Sendable`: `processor`, `rejections`, `processed`, `rejected` and the missing
/// frames' log state are touched only on `queue` (checked with `dispatchPrecondition`).
final class ProcessingStage: PipelineStage, @unchecked Sendable {
    let queue = DispatchQueue(label: "vigil.processing")
    private var processor: AlertProcessor
    private let silenceStore: SilenceStore?
    private var rejections: RejectionLog
    private var processed: UInt64 = 0
    private var rejected: [RejectReason: UInt64] = [:]
    private var timer: DispatchSourceTimer?
    /// Whether the engine changed since the journal last took its state; the processor's
    /// ``AlertProcessor/steps`` as of the last look.
    private var changed = false
    private var stepsSeen: UInt64 = 0
    /// What the journal's state log holds of the state, to patch it.
    private var stateLog = StateLogBuilder()
    /// When the oldest batch whose processing put alerts in the outbox since the journal last
    /// took it was received (monotonic ns): where the alerts' latency starts.
    private var outboxSinceNs: UInt64?
    private let keepsState: Bool
    private let notify: @Sendable () -> Void
    private let logger: Logger
    /// Per camera, the frames missing as of the last notice about them, and when it was logged.
    private var missingLogged: [UInt64]
    private var missingLoggedMs: Int64 = .min / 2
    private let missingLogIntervalMs: Int64

    /// Creates the stage; frames gone missing are logged at most once per
    /// `missingLogIntervalSeconds`.
    /// `state` is the engine, the gate and the open incidents as restored (or new); `outbox`, what
    /// is due before anything else (the incidents a restart had to resolve). With `keepsState`,
    /// ``take(_:)`` hands out copies of the state; `notify` tells the journal alerts are due.
    init(
        state: DaemonState, outbox: [AlertMessage], keepsState: Bool, silenceStore: SilenceStore?, logger: Logger, rejectionLogIntervalSeconds: Double,
        missingLogIntervalSeconds: Double = 10, notify: @escaping @Sendable () -> Void
    ) {
        processor = AlertProcessor(engine: state.engine, gate: state.gate, visibleOpen: state.visibleOpen, outbox: outbox)
        self.keepsState = keepsState
        self.notify = notify
        let engine = state.engine
        self.silenceStore = silenceStore
        self.logger = logger
        rejections = RejectionLog(logger: logger, intervalSeconds: rejectionLogIntervalSeconds)
        missingLogged = engine.framesMissingByCamera
        missingLogIntervalMs = Int64(missingLogIntervalSeconds * 1_000)
    }

    let name = "processing"

    /// Starts the expiry timer (every 500 ms).
    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.milliseconds(Int(AlertProcessor.expiryIntervalMs))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in
            let nowMs = WallClock.nowMs()
            if processor.tick(nowMs: nowMs) { persistSilences() }
            handOver()
            logMissing(nowMs: nowMs)
        }
        timer.resume()
        self.timer = timer
    }

    /// Processes `frames` (received by ingest at `receivedNs`, monotonic) on the queue, then calls
    /// `done` (which frees the batch's place in the bounded queue from ingest).
    ///
    /// `inline` (processing has no batch in hand): on the calling thread, `queue.sync`, which
    /// runs the block there when the queue is free: no thread is woken to take the batch, and
    /// the caller waits the batch's processing (tens of µs at a steady load; ZeroMQ holds what
    /// arrives meanwhile). Otherwise `queue.async`, so that a backlog is processed while ingest
    /// reads and validates the next batch on its own core.
    func submit(_ frames: [ValidatedFrame], receivedNs: UInt64, inline: Bool = false, done: @escaping @Sendable () -> Void) {
        let work = { @Sendable [self] in
            let before = processor.outbox.count
            process(frames)
            if processor.outbox.count > before && outboxSinceNs == nil { outboxSinceNs = receivedNs }
            PipelineMetrics.processing.recordNanoseconds(Int64(clamping: WallClock.monotonicNs() &- receivedNs))
            done()
        }
        if inline { queue.sync(execute: work) } else { queue.async(execute: work) }
    }

    private func process(_ frames: [ValidatedFrame]) {
        dispatchPrecondition(condition: .onQueue(queue))
        let nowMs = WallClock.nowMs()
        for frame in frames {
            if case .rejected(let error) = processor.process(frame, nowMs: nowMs) {
                rejected[error.reason, default: 0] += 1
                rejections.record(
                    error, topic: DetectionTopic.make(sector: processor.engine.cameras[frame.camera].sector, camera: frame.report.camera), nowMs: nowMs)
            }
        }
        processed += UInt64(frames.count)
        processor.endBatch(nowMs: nowMs)
        changed = true
        handOver()
    }

    /// Tells the journal when the outbox holds messages; any step that made messages (shown or
    /// held back by a silence) changed the state.
    private func handOver() {
        guard processor.steps != stepsSeen else { return }
        stepsSeen = processor.steps
        changed = true
        if !processor.outbox.isEmpty { notify() }
    }

    /// Goes on with `engine` (made from the configuration read again), between two batches;
    /// returns why not, changing nothing, when the running state cannot be carried into it.
    func reload(_ engine: AlertEngine) -> String? {
        queue.sync {
            do {
                try processor.replaceEngine(with: engine, nowMs: WallClock.nowMs())
            } catch {
                return "\(error)"
            }
            stepsSeen = processor.steps
            changed = true
            return nil
        }
    }

    /// What the journal wants with the alerts it takes.
    struct StateWanted: Sendable {
        /// A patch of the state log even without alerts, comparing these records (with alerts,
        /// at least ``StateLogBuilder/Scope/alerts``).
        var patch: StateLogBuilder.Scope?
        /// The last patch could not be stored: the next is whole.
        var forgetPatches = false
        /// A copy of the whole state: `.ifChanged` (a snapshot is due), `.always` (the daemon
        /// is stopping), or `nil`.
        var whole: Whole?

        enum Whole: Sendable {
            case ifChanged, always
        }
    }

    /// Hands the journal the alerts due; with them (or when `wanted.patch` says), the state log's
    /// patch right after them (``StateLogBuilder``: the records that changed, not a copy of the
    /// state); and as `wanted.whole` says, a copy of the whole state. Runs on the queue, between
    /// batches.
    func take(_ wanted: StateWanted) -> Handoff {
        queue.sync {
            let events = processor.takeOutbox()
            var handoff = Handoff(events: events)
            handoff.receivedNs = events.isEmpty ? nil : outboxSinceNs
            outboxSinceNs = nil
            guard keepsState else { return handoff }
            func current() -> DaemonState { DaemonState(engine: processor.engine, gate: processor.gate, visibleOpen: processor.visibleOpen) }
            if wanted.forgetPatches { stateLog.forget() }
            if let scope = wanted.patch ?? (events.isEmpty ? nil : StateLogBuilder.Scope.alerts) {
                handoff.patch = stateLog.patch(of: current(), scope: scope, wallNowMs: WallClock.nowMs())
            }
            if let whole = wanted.whole, whole == .always || changed {
                changed = false
                handoff.state = current()
            }
            return handoff
        }
    }

    /// Logs the cameras whose frames went missing since the last notice, and how many, at most
    /// once per interval. Called by the timer, so the per-message path never pays for it.
    private func logMissing(nowMs: Int64) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard nowMs - missingLoggedMs >= missingLogIntervalMs else { return }
        let missing = processor.engine.framesMissingByCamera
        guard missing != missingLogged else { return }
        var cameras: [(id: String, frames: UInt64)] = []
        for camera in missing.indices where missing[camera] != missingLogged[camera] {
            cameras.append((processor.engine.cameras[camera].id, missing[camera] - missingLogged[camera]))
        }
        cameras.sort { $0.frames != $1.frames ? $0.frames > $1.frames : $0.id < $1.id }
        missingLogged = missing
        missingLoggedMs = nowMs
        logger.notice(
            "frames missing (seq gaps: dropped at a ZeroMQ high-water mark or lost upstream)",
            metadata: [
                "frames.missing": "\(cameras.reduce(0) { $0 + $1.frames })",
                "frames.missing_by_camera": "\(cameras.map { "\($0.id):\($0.frames)" }.joined(separator: ","))",
                "frames.missing_total": "\(missing.reduce(0, +))",
            ])
    }

    // MARK: Silences (called from the control thread)

    /// Adds a silence from its JSON form (`id`, `created_ms` and `created_by`, the operator, are
    /// assigned here; it must end within `maxDurationMs`); returns it.
    func addSilence(_ request: SilenceMessage, operator user: String? = nil, maxDurationMs: Int64 = .max) -> Result<Silence, RequestRefusal> {
        queue.sync {
            let nowMs = WallClock.nowMs()
            let id = "si-" + String(UInt64.random(in: 0..<(1 << 40)), radix: 16)
            let silence: Silence
            do throws(RequestRefusal) {
                silence = try Silence(request, id: id, nowMs: nowMs, createdBy: user, maxDurationMs: maxDurationMs)
            } catch {
                return .failure(error)
            }
            processor.addSilence(silence)
            persistSilences()
            logger.notice("silence added", metadata: ["silence": "\(String(decoding: silence.message.encoded(), as: UTF8.self))"])
            return .success(silence)
        }
    }

    /// Removes silence `id`; the incidents it held back that are open become visible. Returns
    /// whether it existed.
    func removeSilence(id: String, operator user: String? = nil) -> Bool {
        queue.sync {
            let nowMs = WallClock.nowMs()
            let (removed, released) = processor.removeSilence(id: id, nowMs: nowMs)
            guard removed else { return false }
            persistSilences()
            logger.notice("silence removed", metadata: ["silence.id": "\(id)", "incidents.released": "\(released)", "operator": "\(user ?? "-")"])
            handOver()
            return true
        }
    }

    /// The silences in force.
    func silences() -> [Silence] {
        queue.sync { processor.gate.silences }
    }

    private func persistSilences() {
        guard let silenceStore else { return }
        do { try silenceStore.save(processor.gate.silences) } catch {
            logger.error("cannot keep the silences", metadata: ["error": "\(error)"])
        }
    }

    /// Stops the timer once every batch submitted so far is processed (ingest has stopped
    /// before); whether that was done by `deadline`.
    func stop(deadline: DispatchTime) -> Bool {
        let drained = DispatchSemaphore(value: 0)
        queue.async { [self] in
            timer?.cancel()
            timer = nil
            drained.signal()
        }
        return drained.wait(timeout: deadline) == .success
    }

    /// Counters, read on the queue; `framesMissingByCamera` names only cameras with frames missing.
    func stats() -> (
        engine: EngineStats, processed: UInt64, rejected: [RejectReason: UInt64], silenced: UInt64, silences: Int,
        framesMissingByCamera: [String: UInt64]
    ) {
        queue.sync {
            let engine = processor.engine
            return (engine.stats, processed, rejected, processor.gate.held, processor.gate.silences.count, engine.framesMissingByCameraID)
        }
    }
}
