#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

/// One frame report of the nuisance soak, as a camera's gateway sends it.
public struct NuisanceFrame: Sendable {
    /// Index of the camera in the world's cameras.
    public var camera: Int
    /// `det.<sector>.<camera>`.
    public var topic: String
    /// Simulated second of the frame.
    public var time: Double
    /// The report.
    public var report: FrameReport
}

/// The frames of a ``NuisancePlan``, every registered camera's in event-time order: a pure
/// iterator, the same frames for the same plan. The cameras of stretches not covered only send a
/// heartbeat every `idleHeartbeatS` of event time, so the daemon sees the rest of the border alive.
///
/// **Compressed, not thinned where it matters.** A camera that sees an activity (from a little
/// before it comes into view to a little after it leaves) sends every frame, `fps` a second, with
/// every member it sees (visibility on the true position, `Camera.sees`), positions with the
/// activity's drift and Gaussian noise. A camera that sees nothing sends only a heartbeat (an
/// empty report) every `heartbeatS` seconds of event time: the months of empty frames in between
/// are what is left out. Frames lie on each camera's own grid (`(k + phase) / fps`), heartbeats
/// on every `heartbeatS · fps`-th point of it. `seq` counts the reports a camera sends (+1 per
/// frame, lost ones included), so the daemon sees an ordinary gateway that reports less often
/// when its camera sees nothing.
///
/// **What cameras get wrong.** Trackers lose an object now and then (a new track id); frames are
/// lost (`seq` still advances) alone or in bursts; cameras reboot (``NuisancePlan/reboots``):
/// silent for the downtime, then `seq` from 0 and track ids from a new random value.
public struct NuisanceFeed: IteratorProtocol, Sendable {
    /// The plan played.
    public let plan: NuisancePlan
    private let cameras: [Camera]
    private var streams: [CameraStream]
    private var heap: [(time: Double, stream: Int)] = []
    /// What was sent, and what the cameras lost.
    public private(set) var counts = Counts()

    /// Frames produced so far.
    public struct Counts: Sendable, Equatable {
        /// Reports produced (lost ones not included).
        public var frames = 0
        /// Of them, heartbeats of cameras that saw nothing.
        public var heartbeats = 0
        /// Detections in them.
        public var detections = 0
        /// Frames lost by the cameras (never produced).
        public var dropped = 0
        /// Reboots played.
        public var reboots = 0
        /// Simulated second of the last frame.
        public var lastTime = 0.0
    }

    /// Prepares the frames of `plan` on `world` (the world the plan was made on).
    public init(plan: NuisancePlan, world: SimulationWorld) {
        self.plan = plan
        cameras = world.cameras
        let covered = plan.stretches.flatMap(\.cameras)
        var engagements: [Int: [Engagement]] = [:]
        for (index, activity) in plan.activities.enumerated() {
            guard let stretch = plan.stretches.first(where: { $0.name == activity.stretch }) else { continue }
            for engagement in Self.engagements(
                of: index, activity, plan.trajectories[index], cameras: stretch.cameras.map { ($0, world.cameras[$0]) })
            {
                engagements[engagement.camera, default: []].append(engagement)
            }
        }
        let heartbeatTicks = max(1, Int((plan.options.heartbeatS * plan.options.fps).rounded()))
        let idleTicks = max(1, Int((plan.options.idleHeartbeatS * plan.options.fps).rounded()))
        // Every registered camera: the covered ones play the soak; the others (stretches not
        // covered) only say they are alive, so the daemon sees the rest of the border up.
        streams = world.cameras.indices.map { camera in
            let isCovered = covered.contains(camera)
            return CameraStream(
                camera: camera, model: world.cameras[camera], seed: plan.options.seed, fps: plan.options.fps,
                heartbeatTicks: isCovered ? heartbeatTicks : idleTicks, faulty: isCovered,
                engagements: (engagements[camera] ?? []).sorted { $0.start < $1.start },
                reboots: plan.reboots.filter { $0.camera == camera })
        }
        for index in streams.indices {
            streams[index].schedule(after: nil)
            push((streams[index].time, index))
        }
    }

    /// The next frame, in event-time order (ties by camera), or `nil` after the last second.
    public mutating func next() -> NuisanceFrame? {
        while let (time, index) = pop() {
            guard time < plan.durationS else { return nil }
            let frame = streams[index].take(plan: plan, counts: &counts)
            streams[index].schedule(after: time)
            push((streams[index].time, index))
            if let frame { return frame }
        }
        return nil
    }

    // MARK: Engagements

    /// When camera `camera` should send every frame for activity `activity`: from a sample step
    /// before it could first see any member until a step after it could last see one.
    struct Engagement: Sendable {
        var camera: Int
        var activity: Int
        var start: Double
        var end: Double
    }

    /// The engagements of activity `index` with `cameras`: its path sampled every second (less
    /// for fast movers), each sample checked against each camera's view around the group with
    /// the ground covered until the next sample to spare.
    static func engagements(of index: Int, _ activity: NuisanceActivity, _ trajectory: Trajectory, cameras: [(Int, Camera)]) -> [Engagement] {
        let extent = (trajectory.memberOffsets.map(\.length).max() ?? 0) + (activity.jitter?.amplitudeM ?? 0) * 1.5 + 2
        let speed = trajectory.speedMps
        let moving = trajectory.length > 0
        let step = moving ? min(1, max(0.1, 10 / speed)) : max(trajectory.endS - trajectory.startS, 0.001)
        let margin = extent + (moving ? speed * step : 0) + 10
        let positions = cameras.map { trajectory.plane.project($0.1.position) }
        var open: [Double?] = Array(repeating: nil, count: cameras.count)
        var last: [Double] = Array(repeating: 0, count: cameras.count)
        var result: [Engagement] = []
        var t = trajectory.startS
        while true {
            let sample = min(t, trajectory.endS - 0.000_1)
            if let state = trajectory.state(at: sample) {
                for (c, (camera, model)) in cameras.enumerated() {
                    let away = (state.position - positions[c]).length
                    var seen = false
                    if away <= model.rangeM + margin {
                        seen = model.sees(trajectory.geoPoint(state.position))
                        var k = 0
                        while !seen && k < 8 {
                            let angle = Double(k) * .pi / 4
                            seen = model.sees(trajectory.geoPoint(state.position + Vector2(x: margin * cos(angle), y: margin * sin(angle))))
                            k += 1
                        }
                    }
                    if seen {
                        if open[c] == nil { open[c] = max(trajectory.startS, sample - step) }
                        last[c] = sample
                    } else if let start = open[c], sample - last[c] > 2 * step {
                        // Closed only after two unseen steps, so two engagements of one activity
                        // never overlap (each reaches a step past what it saw).
                        result.append(Engagement(camera: camera, activity: index, start: start, end: min(trajectory.endS, last[c] + step)))
                        open[c] = nil
                    }
                }
            }
            if t >= trajectory.endS { break }
            t = moving ? t + step : trajectory.endS
        }
        for (c, (camera, _)) in cameras.enumerated() {
            if let start = open[c] { result.append(Engagement(camera: camera, activity: index, start: start, end: trajectory.endS)) }
        }
        return result
    }

    // MARK: Heap

    private mutating func push(_ entry: (time: Double, stream: Int)) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func pop() -> (time: Double, stream: Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && Self.before(heap[l], heap[m]) { m = l }
                if r < heap.count && Self.before(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return top
    }

    private static func before(_ a: (time: Double, stream: Int), _ b: (time: Double, stream: Int)) -> Bool {
        a.time != b.time ? a.time < b.time : a.stream < b.stream
    }
}

/// One camera of the feed: its frame grid, `seq`, tracker and faults.
private struct CameraStream: Sendable {
    let camera: Int
    let model: Camera
    let topic: String
    let fps: Double
    let phase: Double
    let heartbeatTicks: Int
    /// Whether it loses frames (the covered cameras do; the others only say they are alive).
    let faulty: Bool
    /// Engagements by start; `upcoming` is the first not yet begun, `active` those under way.
    let engagements: [NuisanceFeed.Engagement]
    var upcoming = 0
    var active: [NuisanceFeed.Engagement] = []
    let reboots: [NuisanceReboot]
    var nextReboot = 0
    var rebootDue = false
    /// The tick of the next frame: its time is `(tick + phase) / fps`.
    var tick = 0
    var time: Double { (Double(tick) + phase) / fps }
    var seq: UInt64 = 0
    var nextTrack: UInt32
    /// Track ids of the members in view: activity << 12 | member.
    var tracks: [Int: UInt32] = [:]
    var noise: RandomSource
    var faults: RandomSource
    var burst = 0

    init(
        camera: Int, model: Camera, seed: UInt64, fps: Double, heartbeatTicks: Int, faulty: Bool, engagements: [NuisanceFeed.Engagement],
        reboots: [NuisanceReboot]
    ) {
        self.camera = camera
        self.faulty = faulty
        self.model = model
        topic = DetectionTopic.make(sector: model.sector, camera: model.id)
        self.fps = fps
        self.heartbeatTicks = heartbeatTicks
        self.engagements = engagements
        self.reboots = reboots
        var random = RandomSource(seed: seed, stream: CameraModel.stream(of: model.id) ^ 0x0B5E_55ED)
        phase = random.unit()
        nextTrack = UInt32(truncatingIfNeeded: random.next() >> 33)
        noise = random
        faults = RandomSource(seed: seed, stream: CameraModel.stream(of: model.id) ^ Faults.trackerStream)
    }

    /// Whether some engagement covers simulated second `x` (at or after the last frame taken).
    func isEngaged(at x: Double) -> Bool {
        if active.contains(where: { $0.start <= x && x < $0.end }) { return true }
        var i = upcoming
        while i < engagements.count && engagements[i].start <= x {
            if x < engagements[i].end { return true }
            i += 1
        }
        return false
    }

    /// The first tick whose time is at or after `x`.
    func tick(atOrAfter x: Double) -> Int { Int((x * fps - phase).rounded(.up)) }

    /// Picks the tick of the next frame after the one at `previous` (the first frame when `nil`):
    /// the next tick while engaged, else the next heartbeat or the start of the next engagement,
    /// whichever is first; a reboot pushes it past the downtime.
    mutating func schedule(after previous: Double?) {
        guard let previous else {
            tick = 0
            return
        }
        var next = tick + 1
        if !isEngaged(at: (Double(next) + phase) / fps) {
            let heartbeat = (tick / heartbeatTicks + 1) * heartbeatTicks
            var start = Int.max
            var i = upcoming
            while i < engagements.count {
                if engagements[i].end > previous {
                    start = max(next, tick(atOrAfter: engagements[i].start))
                    break
                }
                i += 1
            }
            next = min(heartbeat, start)
        }
        if nextReboot < reboots.count, (Double(next) + phase) / fps >= reboots[nextReboot].atS {
            let reboot = reboots[nextReboot]
            next = max(next, tick(atOrAfter: reboot.atS + reboot.downS))
            nextReboot += 1
            rebootDue = true
        }
        tick = next
    }

    /// The frame at the current tick, or `nil` when the camera lost it.
    mutating func take(plan: NuisancePlan, counts: inout NuisanceFeed.Counts) -> NuisanceFrame? {
        let x = time
        if rebootDue {
            rebootDue = false
            seq = 0
            tracks.removeAll()
            nextTrack = UInt32(truncatingIfNeeded: faults.next() >> 33)
            counts.reboots += 1
        }
        while upcoming < engagements.count && engagements[upcoming].start <= x {
            active.append(engagements[upcoming])
            upcoming += 1
        }
        for engagement in active where engagement.end <= x { forget(engagement.activity) }
        active.removeAll { $0.end <= x }
        var detections: [Detection] = []
        let switchChance = plan.options.rates.trackSwitchS > 0 ? 1 / (plan.options.rates.trackSwitchS * fps) : 0
        for engagement in active where engagement.start <= x {
            let activity = plan.activities[engagement.activity]
            let trajectory = plan.trajectories[engagement.activity]
            guard let state = trajectory.state(at: x) else {
                forget(engagement.activity)
                continue
            }
            let drift = activity.jitter?.offset(at: x) ?? Vector2(x: 0, y: 0)
            var heading = (state.headingDeg * 10).rounded() / 10
            if heading >= 360 { heading -= 360 }
            for (member, offset) in trajectory.memberOffsets.enumerated() {
                let key = engagement.activity << 12 | member
                let position = state.position + offset
                guard model.sees(trajectory.geoPoint(position)) else {
                    tracks[key] = nil
                    continue
                }
                let track: UInt32
                if let current = tracks[key], switchChance == 0 || faults.unit() >= switchChance {
                    track = current
                } else {
                    track = nextTrack
                    nextTrack &+= 1
                    tracks[key] = track
                }
                guard detections.count < 256 else { continue }
                let (dx, dy) = plan.options.noiseM > 0 ? noise.gaussianPair(sigma: plan.options.noiseM) : (0, 0)
                let reported = trajectory.geoPoint(position + drift + Vector2(x: dx, y: dy))
                var objectClass = activity.actor.objectClass
                var conf = activity.actor.conf + noise.symmetric(0.05)
                if activity.unknownRate > 0 && noise.unit() < activity.unknownRate {
                    objectClass = .unknown
                    conf *= 0.7
                }
                detections.append(
                    Detection(
                        track: track, objectClass: objectClass, conf: min(max(conf, 0), 1), lat: reported.lat, lon: reported.lon,
                        tempC: activity.actor.tempC, speedMps: state.speedMps, headingDeg: heading))
            }
        }
        let report = FrameReport(camera: model.id, seq: seq, ts: plan.eventTimeMs(x), detections: detections, exercise: true)
        seq += 1
        if !faulty {
            counts.frames += 1
            counts.heartbeats += 1
            counts.lastTime = x
            return NuisanceFrame(camera: camera, topic: topic, time: x, report: report)
        }
        if burst > 0 {
            burst -= 1
            counts.dropped += 1
            return nil
        }
        if faults.unit() < plan.options.rates.dropRate {
            counts.dropped += 1
            return nil
        }
        if faults.unit() < plan.options.rates.burstRate {
            burst = faults.integer(4, 29)
            counts.dropped += 1
            return nil
        }
        counts.frames += 1
        if detections.isEmpty && active.isEmpty { counts.heartbeats += 1 }
        counts.detections += detections.count
        counts.lastTime = x
        return NuisanceFrame(camera: camera, topic: topic, time: x, report: report)
    }

    /// Forgets the tracks of `activity`'s members.
    mutating func forget(_ activity: Int) {
        guard !tracks.isEmpty else { return }
        tracks = tracks.filter { $0.key >> 12 != activity }
    }
}
