import VigilCore
import ZeroMQ

/// Plays a scenario through a ``Publisher``: the ``Simulator``'s frames, paced as ``RunOptions``
/// says, with hostile messages mixed in, and the actors' events (zone entries included) reported
/// as they happen.
///
/// Runs on the calling thread, which owns the publisher's socket for the whole run.
public struct Runner {
    /// The scenario.
    public let scenario: Scenario
    /// Cameras and border.
    public let world: SimulationWorld
    /// Pacing and hostile messages.
    public let options: RunOptions
    private let publisher: Publisher
    private let log: (String) -> Void

    /// Creates a runner; `log` receives one line per actor event (real-time and accelerated runs).
    public init(scenario: Scenario, world: SimulationWorld, options: RunOptions, publisher: Publisher, log: @escaping (String) -> Void) {
        self.scenario = scenario
        self.world = world
        self.options = options
        self.publisher = publisher
        self.log = log
    }

    /// Seconds between two ticks of a load run's ``LoadObserver``.
    public static let tickInterval = 0.1

    /// Runs to the end of the scenario (or of the load) and returns what was sent, with the
    /// ground truth of the frames sent and the run's time mapping. A load run tells `observer`
    /// what it sends as it goes (other runs ignore it).
    public func run(observer: (any LoadObserver)? = nil) throws(ZMQError) -> RunSummary {
        WallClock.sleep(seconds: Double(options.warmupMs) / 1000)
        var simulator = Simulator(scenario: scenario, world: world)
        let wallStartMs = WallClock.nowMs()
        let start = WallClock.monotonic()
        let mapping: TimeMapping
        var limitCount = Int.max, limitSeconds = Double.infinity, rate = 0.0
        switch options.pace {
        case .realTime:
            mapping = .realTime(wallStartMs: wallStartMs)
        case .accelerated(let speed):
            mapping = .accelerated(speed: speed, duration: simulator.duration, wallStartMs: wallStartMs)
        case .load(let loadRate, let duration, let count):
            rate = loadRate
            limitCount = count ?? .max
            limitSeconds = duration ?? .infinity
            let span = TimeMapping.loadSpan(
                framesPerSecond: Double(max(simulator.cameras.count, 1)) * scenario.fps, rate: loadRate, duration: duration, count: count)
            mapping = .load(span: span, wallStartMs: wallStartMs)
        }
        simulator = Simulator(scenario: scenario, world: world, epochMs: mapping.epochMs, loops: mapping.speed.isInfinite)
        let isLoad = mapping.speed.isInfinite
        let sectors = Set(world.cameras.map(\.sector))

        var payload: [UInt8] = []
        payload.reserveCapacity(4_096)
        var sent = 0, detections = 0, hostile = 0, sinceHostile = 0
        // What the actors do, zone entries included, in time order (stable: an appearance
        // before the entries it makes).
        let timeline = (simulator.events.map { ($0.time, $0.line()) } + simulator.zoneVisits.map { ($0.enteredS, $0.line()) })
            .enumerated().sorted { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset }.map(\.element)
        var nextEvent = 0
        var last = start
        var nextTick = start
        let observer = isLoad ? observer : nil
        var idle = IdleHeartbeats(
            cameras: world.cameras.filter { camera in !simulator.cameras.contains { $0.id == camera.id } },
            everyS: isLoad ? 0 : options.idleHeartbeatS, epochMs: mapping.epochMs, faults: scenario.faults, passS: simulator.duration)
        while sent < limitCount, let frame = simulator.next() {
            while let heartbeat = idle.next(until: frame.sendTime) {
                WallClock.wait(until: start + heartbeat.time / mapping.speed)
                FrameWriter.write(heartbeat.report, into: &payload)
                try publisher.send(topic: heartbeat.topic, payload: payload)
                sent += 1
            }
            if isLoad {
                if rate > 0 { WallClock.wait(until: start + Double(sent) / rate) }
                last = WallClock.monotonic()
                if let observer, last >= nextTick {
                    observer.tick(sent: sent, elapsed: last - start, now: last)
                    nextTick = last + Self.tickInterval
                }
                if last - start >= limitSeconds { break }
                // Never ahead of the wall clock, whatever the bound on the span said.
                let ahead = frame.report.ts - WallClock.nowMs()
                if ahead > 0 { WallClock.sleep(seconds: Double(ahead) / 1000) }
            } else {
                WallClock.wait(until: start + frame.sendTime / mapping.speed)
                while nextEvent < timeline.count && timeline[nextEvent].0 <= frame.sendTime {
                    log(timeline[nextEvent].1)
                    nextEvent += 1
                }
            }
            FrameWriter.write(frame.report, into: &payload)
            if let observer, !frame.report.detections.isEmpty {
                observer.sent(ts: frame.report.ts, cameraIndex: frame.cameraIndex, at: WallClock.monotonic())
            }
            try publisher.send(topic: frame.topic, payload: payload)
            sent += 1
            detections += frame.report.detections.count
            sinceHostile += 1
            if options.hostileEvery > 0 && sinceHostile >= options.hostileEvery && sent < limitCount {
                let camera = simulator.cameras[frame.cameraIndex]
                let kind = HostileMessage.Kind.allCases[hostile % HostileMessage.Kind.allCases.count]
                let message = HostileMessage(
                    kind: kind, camera: camera, seq: frame.report.seq, ts: frame.report.ts,
                    otherSector: sectors.subtracting([camera.sector]).min() ?? "S00", nowMs: WallClock.nowMs())
                try publisher.send(frames: message.frames)
                sent += 1
                hostile += 1
                sinceHostile = 0
            }
        }
        if !isLoad { last = WallClock.monotonic() }
        observer?.tick(sent: sent, elapsed: last - start, now: WallClock.monotonic())
        while !isLoad && nextEvent < timeline.count {
            log(timeline[nextEvent].1)
            nextEvent += 1
        }
        return RunSummary(
            sent: sent, detections: detections, hostile: hostile, seconds: last - start, groundTruth: simulator.groundTruth, mapping: mapping)
    }
}

/// Heartbeats of the registered cameras a scenario does not drive: each sends an empty frame
/// report every `everyS` seconds of scenario time (skipping its outages), so the daemon sees
/// the whole border alive, as in a deployment.
struct IdleHeartbeats {
    let cameras: [Camera]
    let everyS: Double
    let epochMs: Int64
    let faults: Faults
    let passS: Double
    private var round = 0
    private var camera = 0
    private var seq: [UInt64]

    init(cameras: [Camera], everyS: Double, epochMs: Int64, faults: Faults, passS: Double) {
        self.cameras = cameras
        self.everyS = everyS
        self.epochMs = epochMs
        self.faults = faults
        self.passS = passS
        seq = Array(repeating: 0, count: cameras.count)
    }

    /// The next heartbeat due at or before scenario time `time`, if any.
    mutating func next(until time: Double) -> (time: Double, topic: String, report: FrameReport)? {
        guard everyS > 0, !cameras.isEmpty else { return nil }
        while true {
            if camera == cameras.count {
                camera = 0
                round += 1
            }
            let at = Double(round) * everyS
            guard at <= time else { return nil }
            let index = camera
            camera += 1
            let id = cameras[index].id
            seq[index] += 1
            if faults.isSilent(id, at: passS > 0 ? at.truncatingRemainder(dividingBy: passS) : at) { continue }
            let report = FrameReport(camera: id, seq: seq[index] - 1, ts: epochMs + Int64((at * 1_000).rounded(.down)), detections: [], exercise: true)
            return (at, DetectionTopic.make(sector: cameras[index].sector, camera: id), report)
        }
    }
}

