import VigilConfig
import VigilCore

/// Runs recorded messages (a capture, see ``CaptureReader``) through the daemon's
/// ``AlertProcessor`` (the engine and the silences) the way the daemon's pipeline runs live
/// ones, as fast as it can, so that "why did it alert, or why not?" can be answered after the
/// fact. The same capture, configuration and silences always give the same alerts, byte for
/// byte: time is read from the capture only, never from a clock.
///
/// What happens at each step is the processor's, the same code the daemon runs; what is the
/// replay's own is when the steps happen, as in the daemon:
/// - a message whose topic the configuration does not subscribe to (`ingest.sectors`) is one the
///   daemon never receives: it is passed over (``ReplaySummary/notSubscribed``) and takes no part
///   in batches or time;
/// - validation (``FrameValidator``), rejections counted by reason as ingest counts them;
/// - ``AlertProcessor/process(_:nowMs:)`` with the message's `recv_ms` as the wall time; the
///   engine's own rejections (`future_ts`, `too_late`) and duplicates are counted as processing
///   counts them;
/// - ``AlertProcessor/endBatch(nowMs:)`` after every batch that handed at least one valid frame
///   to the engine, a batch being the consecutive messages received in the same millisecond (at
///   most `ingest.batch_size`), as ingest stamps one batch with one time;
/// - the processing stage's timer, ``AlertProcessor/tick(nowMs:)``: every ``expiryIntervalMs``
///   of recorded time from the first message's `recv_ms`; the ticks due at or before a message's
///   `recv_ms` run first (a silence ends at a tick, as in the daemon);
/// - the messages that pass the silences, numbered with `seq` from 1 as the publisher numbers
///   them, stamped with the `recv_ms` of the message (or the time of the tick) that caused them
///   as `emitted_ts`.
///
/// The silences are those given at the start (the daemon's `silences.json`, say): a silence an
/// operator added or removed while the capture was recorded is not in the capture.
///
/// At the end of the capture no further time is simulated: incidents still open stay open and
/// are listed in ``ReplaySummary/openIncidents``.
///
/// Recorded times are wall-clock readings, taken from the capture as they are: ``run(_:onMessage:onAlert:)``
/// refuses a `recv_ms` outside ``recordedTimeRange`` (naming the line), and a gap in recorded
/// time costs at most ``maxSimulatedGapMs`` of timer ticks, so neither a clock stepped by years
/// nor a hand-written `recv_ms` can make a replay trap or run for ever.
///
/// Not thread-safe: one replay is owned by one thread.
public struct Replayer {
    /// The processing stage's expiry timer period, in recorded time.
    public static let expiryIntervalMs = AlertProcessor.expiryIntervalMs

    /// The recorded times a replay runs the engine at: epoch ms from 1970 to 2^53 (the year
    /// 287,396), the range the contract's parser takes for event times.
    public static let recordedTimeRange: ClosedRange<Int64> = 0...(1 << 53)

    /// The longest stretch of recorded time without messages whose timer ticks are run one by
    /// one: 2 days, twice the longest timeout the configuration allows (a day). The ticks due
    /// after it in the same gap are run as one, at the last of them (the engine, idle that long,
    /// has nothing left to time out), and counted in ``ReplaySummary/expiryTicksSkipped``.
    public static let maxSimulatedGapMs: Int64 = 2 * 86_400_000

    /// What became of one recorded message.
    public enum Outcome: Sendable, Equatable {
        /// The configuration does not subscribe to its topic: the daemon would not have received it.
        case notSubscribed
        /// Refused, by validation or by the engine (`future_ts`, `too_late`).
        case rejected(FrameReportError)
        /// A duplicate of a frame already seen, dropped.
        case duplicate
        /// Taken by the engine (processed, or held until its turn).
        case accepted
    }

    /// One recorded message and what became of it.
    public struct ProcessedMessage: Sendable {
        /// Its number in the replay, from 1.
        public var ordinal: UInt64
        /// The message as recorded.
        public var message: CapturedMessage
        /// The validated frame report, when the message passed validation.
        public var frame: ValidatedFrame?
        /// What became of it.
        public var outcome: Outcome
    }

    /// The engine, as it stands after what was replayed so far.
    public var engine: AlertEngine { processor.engine }
    /// The engine and the silences, as the daemon runs them.
    public private(set) var processor: AlertProcessor
    /// The validation the daemon's ingest applies.
    public let validator: FrameValidator
    /// Counters so far.
    public var summary: ReplaySummary {
        var summary = counters
        summary.openIncidents = openOrder.compactMap { openIncidents[$0] }
        summary.silenced = processor.gate.held
        return summary
    }

    private let subscriptions: [[UInt8]]
    private let batchSize: Int
    private var counters = ReplaySummary()
    private var lastSeq: UInt64 = 0
    /// The batch being filled: its `recv_ms`, its number of messages, and whether any of them
    /// passed validation (a batch of none is not handed to processing, so no expiry follows it).
    private var batch: (receivedMs: Int64, count: Int, handedOver: Bool)?
    private var nextTickMs: Int64?
    /// Open incidents: ids in the order they were first seen, and each one's latest message.
    private var openOrder: [String] = []
    private var openIncidents: [String: AlertMessage] = [:]

    /// A replay with the engine, validation, batch size and subscriptions of `configuration`,
    /// built exactly as the daemon builds them, under `silences`.
    public init(configuration: VigilConfiguration, silences: [Silence] = []) {
        let sectors = configuration.settings.sectors
        self.init(
            engine: configuration.makeEngine(), silences: silences, batchSize: configuration.settings.batchSize,
            subscriptions: sectors.isEmpty ? [DetectionTopic.prefix] : sectors.map { "\(DetectionTopic.prefix)\($0)." })
    }

    /// A replay into `engine` under `silences`, with batches of at most `batchSize` messages,
    /// receiving only the topics that start with one of `subscriptions` (as a SUB socket does).
    public init(engine: AlertEngine, silences: [Silence] = [], batchSize: Int = 512, subscriptions: [String] = [DetectionTopic.prefix]) {
        precondition(batchSize >= 1, "a batch holds at least one message")
        processor = AlertProcessor(engine: engine, gate: AlertGate(silences: silences))
        self.batchSize = batchSize
        self.subscriptions = subscriptions.map { Array($0.utf8) }
        validator = FrameValidator(cameras: engine.cameras)
    }

    /// Replays every message of `reader`, then ``finish(onAlert:)``. A message whose `recv_ms`
    /// is outside ``recordedTimeRange`` stops the replay with an error naming its line (see
    /// ``checked(_:from:)``).
    public mutating func run(
        _ reader: CaptureReader, onMessage: (ProcessedMessage) -> Void = { _ in }, onAlert: (AlertMessage) -> Void
    ) throws(CaptureError) {
        while let message = try reader.next() { feed(try Self.checked(message, from: reader), onMessage: onMessage, onAlert: onAlert) }
        finish(onAlert: onAlert)
    }

    /// `message`, just read from `reader`, when its `recv_ms` is in ``recordedTimeRange``; else
    /// an error naming the file and line: a capture may hold any 64-bit `recv_ms` (it keeps what
    /// it is given), but a replay runs the engine's clock at it.
    public static func checked(_ message: CapturedMessage, from reader: CaptureReader) throws(CaptureError) -> CapturedMessage {
        guard recordedTimeRange.contains(message.receivedMs) else {
            throw CaptureError(
                file: reader.path == "-" ? "<stdin>" : reader.path, line: reader.lineNumber,
                "recv_ms \(message.receivedMs) is not a time a replay can run at: expected epoch ms from "
                    + "\(recordedTimeRange.lowerBound) to \(recordedTimeRange.upperBound)")
        }
        return message
    }

    /// Replays one message: the expiry due before it (the end of the previous batch, the timer's
    /// ticks), then the message itself. `onMessage` is called once for it, after the alerts it
    /// caused; `onAlert` for each alert, in `seq` order.
    ///
    /// A `recv_ms` outside ``recordedTimeRange`` is taken as the nearest end of it (callers that
    /// read a capture refuse such a message first, with ``checked(_:from:)``).
    public mutating func feed(_ message: CapturedMessage, onMessage: (ProcessedMessage) -> Void = { _ in }, onAlert: (AlertMessage) -> Void) {
        counters.messages += 1
        let ordinal = counters.messages
        guard isSubscribed(message.topic) else {
            counters.notSubscribed += 1
            onMessage(ProcessedMessage(ordinal: ordinal, message: message, frame: nil, outcome: .notSubscribed))
            return
        }
        let now = message.receivedMs.clamped(to: Self.recordedTimeRange)
        if counters.firstReceivedMs == nil { counters.firstReceivedMs = now }
        counters.lastReceivedMs = now
        if let open = batch, open.receivedMs != now || open.count >= batchSize { endBatch(onAlert: onAlert) }
        // `now` and every tick stay within a few intervals of `recordedTimeRange`: no overflow.
        var tick = nextTickMs ?? now + Self.expiryIntervalMs
        let lastOneByOne = tick + Self.maxSimulatedGapMs
        while tick <= now {
            if tick > lastOneByOne {
                // The rest of a long gap: on to the last tick due, on the timer's grid.
                let skipped = (now - tick) / Self.expiryIntervalMs
                counters.expiryTicksSkipped += UInt64(skipped)
                tick += skipped * Self.expiryIntervalMs
            }
            counters.expiryTicks += 1
            processor.tick(nowMs: tick)
            emit(emittedTs: tick, onAlert: onAlert)
            tick += Self.expiryIntervalMs
        }
        nextTickMs = tick
        batch = (now, (batch?.count ?? 0) + 1, batch?.handedOver ?? false)

        let validated =
            message.frameCount == 2
            ? validator.validate(topic: message.topic, payload: message.payload) : .failure(FrameValidator.wrongFrameCount(message.frameCount))
        let outcome: Outcome
        var frame: ValidatedFrame?
        switch validated {
        case .failure(let error):
            outcome = .rejected(error)
        case .success(let valid):
            frame = valid
            batch?.handedOver = true
            switch processor.process(valid, nowMs: now) {
            case .accepted: outcome = .accepted
            case .duplicate: outcome = .duplicate
            case .rejected(let error): outcome = .rejected(error)
            }
            emit(emittedTs: now, onAlert: onAlert)
        }
        switch outcome {
        case .accepted: counters.accepted += 1
        case .duplicate: counters.duplicates += 1
        case .rejected(let error): counters.rejected[error.reason, default: 0] += 1
        case .notSubscribed: break
        }
        onMessage(ProcessedMessage(ordinal: ordinal, message: message, frame: frame, outcome: outcome))
    }

    /// Ends the last batch (the expiry after it). No further time is simulated: what is still
    /// open stays open. Feeding more messages afterwards carries on the same replay.
    public mutating func finish(onAlert: (AlertMessage) -> Void) {
        if batch != nil { endBatch(onAlert: onAlert) }
    }

    /// The expiry after a batch, at the batch's time.
    private mutating func endBatch(onAlert: (AlertMessage) -> Void) {
        guard let open = batch else { return }
        batch = nil
        guard open.handedOver else { return }
        counters.batches += 1
        processor.endBatch(nowMs: open.receivedMs)
        emit(emittedTs: open.receivedMs, onAlert: onAlert)
    }

    /// Numbers, counts and hands over the messages the processor has for consumers.
    private mutating func emit(emittedTs: Int64, onAlert: (AlertMessage) -> Void) {
        guard !processor.outbox.isEmpty else { return }
        for event in processor.takeOutbox() {
            lastSeq += 1
            switch event.state {
            case .raised: counters.raised += 1
            case .updated: counters.updated += 1
            case .resolved: counters.resolved += 1
            }
            track(event)
            onAlert(event.stamped(seq: lastSeq, emittedTs: emittedTs))
        }
    }

    /// Keeps each open incident's latest message.
    private mutating func track(_ event: AlertMessage) {
        if event.state == .resolved {
            openIncidents[event.id] = nil
            if openOrder.count > 64 && openOrder.count > 2 * openIncidents.count {
                openOrder.removeAll { openIncidents[$0] == nil }
            }
        } else {
            if openIncidents.updateValue(event, forKey: event.id) == nil { openOrder.append(event.id) }
        }
    }

    private func isSubscribed(_ topic: [UInt8]) -> Bool {
        subscriptions.contains { prefix in topic.count >= prefix.count && topic.starts(with: prefix) }
    }
}
