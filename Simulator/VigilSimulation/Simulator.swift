import VigilCore

/// The simulation engine: every camera's frame reports for a scenario, in event-time order.
///
/// A pure iterator, independent of sockets and clocks: given the same scenario, world, seed and
/// `epochMs`, it yields the same frames. Each reporting camera takes one frame per `1/fps`
/// seconds of scenario time, at its own phase within the frame interval; a frame with no
/// detections is a heartbeat. See ``CameraModel`` for what a camera reports.
///
/// When `loops` is set the scenario is played again and again: scenario time (and so `ts`) keeps
/// increasing, `seq` keeps counting, and every pass starts with every track lost, so the same
/// actors come back under new track ids. Load generation uses this.
///
/// The scenario's ``Faults`` shape what is sent: the cameras apply clock skew, track switches and
/// reboots to the frames they take, and then each frame may be dropped, sent twice, or held back
/// up to `reorder_ms`; frames are then yielded in the order they are sent (``SimulatedFrame/sendTime``),
/// no longer strictly in event-time order. Without faults every frame is sent when it is taken.
public struct Simulator: IteratorProtocol, Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// The cameras that report, in registration order.
    public let cameras: [Camera]
    /// One trajectory per actor, in the scenario's order.
    public let trajectories: [Trajectory]
    /// What the actors do in one pass, in time order.
    public let events: [ActorEvent]
    /// Every stay of an actor inside an area zone in one pass, in order of entry (none when the
    /// world has no zones).
    public let zoneVisits: [ZoneVisit]
    /// The true events of one pass (scenario times into the pass; see ``groundTruth``).
    let passTruth: [TrueEvent]
    /// The alert kinds the world's rules can raise.
    let alertKinds: [String]
    /// The length of one pass, seconds: until the last actor is gone, plus the tail, rounded up
    /// to a whole frame interval.
    public let duration: Double
    /// Frames each camera sends per pass.
    public let framesPerCamera: Int
    /// Event time, epoch ms, of scenario time 0: `ts = epochMs + floor(scenarioTime · 1000)`.
    public let epochMs: Int64
    /// Whether the scenario repeats without end.
    public let loops: Bool
    /// Scenario time of the last frame returned by ``next()`` (the whole pass, ``duration``, once
    /// a scenario that does not loop has ended; -1 before the first frame). ``groundTruth`` holds
    /// the true events up to here.
    public private(set) var playedUntil = -1.0

    private var models: [CameraModel]
    private let order: [Int]
    private var tick = 0
    private var slot = 0
    /// Frames taken but not yet sent (reordering), in send order.
    private var pending: [SimulatedFrame] = []
    /// Each camera's random stream for drop, duplicate and hold.
    private var deliveryRandom: [RandomSource]
    /// Frames taken but not sent (the `drop` fault), and frames sent twice (`duplicate`), so far.
    public private(set) var droppedFrames = 0, duplicatedFrames = 0
    /// Frames not sent because their camera was in an outage.
    public private(set) var silencedFrames = 0

    /// Prepares `scenario` (loaded against `world`) for iteration.
    public init(scenario: Scenario, world: SimulationWorld, epochMs: Int64 = 0, loops: Bool = false) {
        self.scenario = scenario
        self.epochMs = epochMs
        self.loops = loops
        cameras = scenario.reportingCameras(of: world.cameras)
        let trajectories = scenario.actors.enumerated().map { index, actor in
            Trajectory(actor: actor, border: world.border, seed: scenario.seed, actorIndex: index)
        }
        self.trajectories = trajectories
        events = zip(scenario.actors, trajectories).flatMap { actor, trajectory in
            trajectory.events(of: actor, border: world.border)
        }.sorted { $0.time < $1.time }
        let visits =
            world.zones.map { zones in
                zip(scenario.actors, trajectories).flatMap { actor, trajectory in trajectory.zoneVisits(of: actor, zones: zones) }
            } ?? []
        zoneVisits = visits.sorted { $0.enteredS < $1.enteredS }
        passTruth = Self.passTruth(
            scenario: scenario, world: world, events: events, visits: visits, trajectories: trajectories, epochMs: epochMs)
        var kinds: [String] = []
        for rule in world.rules {
            if case .alert(let kind, _) = rule.action, !kinds.contains(kind) { kinds.append(kind) }
        }
        alertKinds = kinds
        let lastGone = trajectories.map(\.endS).max() ?? 0
        framesPerCamera = max(1, Int(((lastGone + scenario.tailS) * scenario.fps - 1e-9).rounded(.up)))
        duration = Double(framesPerCamera) / scenario.fps
        let models = cameras.map {
            CameraModel(camera: $0, seed: scenario.seed, trajectories: trajectories, faults: scenario.faults, fps: scenario.fps)
        }
        deliveryRandom = cameras.map { RandomSource(seed: scenario.seed, stream: CameraModel.stream(of: $0.id) ^ Faults.deliveryStream) }
        self.models = models
        order = models.indices.sorted { models[$0].phase < models[$1].phase }
    }

    /// Frames in one pass, all cameras together.
    public var framesPerPass: Int { framesPerCamera * cameras.count }

    /// The next frame in the order it is sent (event-time order unless the scenario reorders),
    /// or `nil` at the end of a scenario that does not loop.
    public mutating func next() -> SimulatedFrame? {
        guard scenario.faults.affectsDelivery else { return take() }
        while true {
            if let head = pending.first, head.sendTime <= nextTakeTime { return pending.removeFirst() }
            guard let frame = take() else { return pending.isEmpty ? nil : pending.removeFirst() }
            deliver(frame)
        }
    }

    /// Scenario time of the frame ``take()`` returns next; infinity when none is left.
    private var nextTakeTime: Double {
        guard !models.isEmpty else { return .infinity }
        var nextTick = tick, nextSlot = slot
        if nextSlot == models.count {
            nextSlot = 0
            nextTick += 1
        }
        if nextTick / framesPerCamera > 0 && !loops { return .infinity }
        return (Double(nextTick) + models[order[nextSlot]].phase) / scenario.fps
    }

    /// Applies drop, duplicate and hold to a frame just taken, queueing what is to be sent.
    private mutating func deliver(_ frame: SimulatedFrame) {
        let faults = scenario.faults
        if faults.isSilent(cameras[frame.cameraIndex].id, at: frame.scenarioTime - Double(frame.pass) * duration) {
            silencedFrames += 1
            return
        }
        var random = deliveryRandom[frame.cameraIndex]
        defer { deliveryRandom[frame.cameraIndex] = random }
        if faults.drop > 0 && random.unit() < faults.drop {
            droppedFrames += 1
            return
        }
        var copies = 1
        if faults.duplicate > 0 && random.unit() < faults.duplicate {
            copies = 2
            duplicatedFrames += 1
        }
        for _ in 0..<copies {
            var copy = frame
            if faults.reorderMs > 0 { copy.sendTime = frame.scenarioTime + random.unit() * faults.reorderMs / 1000 }
            // After every frame due no later: equal send times keep the order they were taken in.
            var low = 0, high = pending.count
            while low < high {
                let middle = (low + high) / 2
                if pending[middle].sendTime <= copy.sendTime { low = middle + 1 } else { high = middle }
            }
            pending.insert(copy, at: low)
        }
    }

    /// The next frame a camera takes, in event-time order, or `nil` at the end of a scenario that
    /// does not loop.
    private mutating func take() -> SimulatedFrame? {
        guard !models.isEmpty else { return nil }
        if slot == models.count {
            slot = 0
            tick += 1
        }
        let pass = tick / framesPerCamera, localTick = tick % framesPerCamera
        if pass > 0 && !loops {
            playedUntil = duration
            return nil
        }
        if localTick == 0 && slot == 0 && tick > 0 {
            for index in models.indices { models[index].startPass() }
        }
        let index = order[slot]
        slot += 1
        let phase = models[index].phase
        let scenarioTime = (Double(tick) + phase) / scenario.fps
        let localTime = (Double(localTick) + phase) / scenario.fps
        let ts = epochMs + Int64((scenarioTime * 1000).rounded(.down))
        playedUntil = scenarioTime
        let report = models[index].frame(
            at: localTime, ts: ts, trajectories: trajectories, actors: scenario.actors, noiseM: scenario.noiseM)
        return SimulatedFrame(
            cameraIndex: index, topic: models[index].topic, scenarioTime: scenarioTime, sendTime: scenarioTime, pass: pass, report: report)
    }
}
