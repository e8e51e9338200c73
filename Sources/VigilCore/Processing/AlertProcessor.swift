/// What the daemon does with frames, time and silences, with time given, never read: the alert
/// engine, the silences (``AlertGate``), the incidents consumers have seen open, and the outbox
/// of messages due for consumers. The daemon's processing stage drives it from its queue with
/// the wall clock; `vigil replay` drives it with the times a capture recorded. Both run the same
/// code in the same steps, so a replay is what the daemon did by construction.
///
/// The steps, and who calls them:
/// - ``process(_:nowMs:)`` for each frame of a batch ingest handed over, at the batch's time;
/// - ``endBatch(nowMs:)`` after each such batch: the engine's expiry at that time;
/// - ``tick(nowMs:)`` every ``expiryIntervalMs`` (the daemon's timer): the engine's expiry and
///   the silences' (an ended silence releases the incidents it held back, still open);
/// - ``addSilence(_:)`` and ``removeSilence(id:nowMs:)`` from operators;
/// - ``takeOutbox()`` by whoever numbers and publishes (the journal; the replay).
///
/// Every message the engine makes passes the silences; what is visible joins the outbox, and the
/// latest message of every open visible incident is kept (``visibleOpen``): a restart that cannot
/// resume the engine resolves those.
public struct AlertProcessor: Sendable {
    /// The period of the expiry timer.
    public static let expiryIntervalMs: Int64 = 500

    /// The engine.
    public private(set) var engine: AlertEngine
    /// The silences, and the incidents they hold back.
    public private(set) var gate: AlertGate
    /// Incidents consumers have seen open, each with the last message they saw of it.
    public private(set) var visibleOpen: [String: AlertMessage]
    /// Messages due for consumers, oldest first, not taken yet.
    public private(set) var outbox: [AlertMessage]
    /// Steps that made or released messages, visible or held back: each changed the state.
    public private(set) var steps: UInt64 = 0
    /// The engine's messages of the step under way, before the silences.
    private var made: [AlertMessage] = []

    /// A processor resuming `engine`, `gate` and `visibleOpen` (new ones for a fresh start),
    /// with `outbox` due before anything else (the incidents a restart had to resolve).
    public init(engine: AlertEngine, gate: AlertGate = AlertGate(), visibleOpen: [String: AlertMessage] = [:], outbox: [AlertMessage] = []) {
        self.engine = engine
        self.gate = gate
        self.visibleOpen = visibleOpen
        self.outbox = outbox
    }

    /// Goes on with `newer`, an engine made from the configuration read again, carrying the
    /// running engine's state into it (``AlertEngine/adoptState(of:wallNowMs:)``); the silences,
    /// the open incidents consumers see and the outbox stay. Throws, changing nothing, when the
    /// state cannot be carried over.
    public mutating func replaceEngine(with newer: AlertEngine, nowMs: Int64) throws(StateError) {
        var adopted = newer
        try adopted.adoptState(of: engine, wallNowMs: nowMs)
        engine = adopted
        steps &+= 1
    }

    /// Processes one validated frame received at `nowMs`; what it caused is in the outbox.
    @discardableResult
    public mutating func process(_ frame: ValidatedFrame, nowMs: Int64) -> AlertEngine.Admission {
        let admission = engine.process(frame.report, camera: frame.camera, wallNowMs: nowMs, into: &made)
        send(nowMs: nowMs)
        return admission
    }

    /// The end of a batch received at `nowMs`: incidents whose targets are gone resolve.
    public mutating func endBatch(nowMs: Int64) {
        engine.expire(wallNowMs: nowMs, into: &made)
        send(nowMs: nowMs)
    }

    /// The timer's tick at `nowMs`: the engine's expiry (feeds fallen silent, cameras offline),
    /// then the silences' (what an ended silence held back and is still open becomes visible).
    /// Returns whether a silence ended (the daemon saves the silences then).
    @discardableResult
    public mutating func tick(nowMs: Int64) -> Bool {
        engine.expire(wallNowMs: nowMs, into: &made)
        let ended = gate.expire(nowMs: nowMs)
        send(nowMs: nowMs, released: ended.events)
        return ended.expired
    }

    /// Adds `silence`: matching messages are held back from now on.
    public mutating func addSilence(_ silence: Silence) {
        gate.add(silence)
    }

    /// Removes silence `id` at `nowMs`; the open incidents it held back become visible. Returns
    /// whether it existed, and how many incidents it released.
    public mutating func removeSilence(id: String, nowMs: Int64) -> (removed: Bool, released: Int) {
        let (removed, released) = gate.remove(id: id, nowMs: nowMs)
        if removed { send(nowMs: nowMs, released: released) }
        return (removed, released.count)
    }

    /// The messages due, oldest first; the outbox is empty afterwards.
    public mutating func takeOutbox() -> [AlertMessage] {
        let taken = outbox
        outbox.removeAll(keepingCapacity: true)
        return taken
    }

    /// Passes the step's messages through the silences into the outbox, after the incidents a
    /// silence no longer holds back.
    private mutating func send(nowMs: Int64, released: [AlertMessage] = []) {
        guard !made.isEmpty || !released.isEmpty else { return }
        steps += 1
        let visible = released + gate.pass(made, nowMs: nowMs)
        made.removeAll(keepingCapacity: true)
        for event in visible {
            if event.state == .resolved { visibleOpen[event.id] = nil } else { visibleOpen[event.id] = event }
        }
        outbox.append(contentsOf: visible)
    }
}
