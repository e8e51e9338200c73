import Dispatch

/// The one shape of a stage of the daemon's pipeline (ingest, processing, the journal and
/// publisher, the control and catch-up servers).
///
/// A stage is made ready by its initializer: it opens what it needs (sockets bound, the journal
/// open) or throws, owning nothing. ``start()`` then starts its thread or timer. ``stop(deadline:)``
/// finishes what the stage owes (each stage's documentation says what: ingest stops taking
/// frames, processing finishes what it was handed, the journal journals and publishes what is
/// due), closes what it owns and returns whether that was done by the deadline. A stage that was
/// made but never started (a later one failed to start) is cancelled by the same call: it closes
/// what it owns on the caller's thread.
///
/// ``Daemon`` starts its stages in order and stops them in the reverse order (see
/// ``StageSet``); swift-service-lifecycle's `ServiceGroup` drives it from the signals.
protocol PipelineStage: AnyObject, Sendable {
    /// The stage's name in logs ("ingest", "journal").
    var name: String { get }
    /// Starts the stage's thread or timer. Called once.
    func start()
    /// Stops (or cancels, if never started) by `deadline`; whether it finished in time.
    func stop(deadline: DispatchTime) -> Bool
}

/// The daemon's stages in start order: made one after another, started in order, stopped in
/// reverse order by one deadline, and cancelled all together when a later one cannot be made.
struct StageSet: Sendable {
    private(set) var stages: [any PipelineStage] = []

    /// Adds `stage` (made ready) at the end of the start order; returns it.
    @discardableResult
    mutating func add<Stage: PipelineStage>(_ stage: Stage) -> Stage {
        stages.append(stage)
        return stage
    }

    /// Cancels every stage made so far, the last made first: what could not start leaves nothing
    /// open.
    func cancelAll() {
        for stage in stages.reversed() { _ = stage.stop(deadline: .now()) }
    }

    /// Starts every stage, in order.
    func startAll() {
        for stage in stages { stage.start() }
    }

    /// Stops every stage, the last started first, all by `deadline`; the names of those that did
    /// not finish in time.
    func stopAll(deadline: DispatchTime) -> [String] {
        stages.reversed().compactMap { stage in stage.stop(deadline: deadline) ? nil : stage.name }
    }
}
