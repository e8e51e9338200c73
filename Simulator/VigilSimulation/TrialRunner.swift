import VigilCore
import ZeroMQ

/// How a trials run's event time met the wall clock: run time `s` was due at
/// `wallStartMs + s / speed` plus every pause the run made before `s` (``shifts``), and phase
/// `p` maps run time to event time from its own epoch.
public struct TrialClock: Sendable, Equatable {
    /// A pause: from run time `runS` on, frames went out `totalS` seconds later than the plain pace.
    public struct Shift: Sendable, Equatable {
        /// Run time of the pause.
        public var runS: Double
        /// Seconds of pause in all, this one included.
        public var totalS: Double

        /// Creates a shift.
        public init(runS: Double, totalS: Double) {
            self.runS = runS
            self.totalS = totalS
        }
    }

    /// The wall clock, Unix ms, at run time 0.
    public var wallStartMs: Int64
    /// Run seconds per wall-clock second.
    public var speed: Double
    /// Run time at which each phase starts.
    public var phaseStartS: [Double]
    /// Event time, Unix ms, of each phase's start.
    public var phaseEpochMs: [Int64]
    /// The pauses, in run time order.
    public var shifts: [Shift]

    /// Creates a clock.
    public init(wallStartMs: Int64, speed: Double, phaseStartS: [Double], phaseEpochMs: [Int64], shifts: [Shift] = []) {
        self.wallStartMs = wallStartMs
        self.speed = speed
        self.phaseStartS = phaseStartS
        self.phaseEpochMs = phaseEpochMs
        self.shifts = shifts
    }

    /// The wall-clock moment, Unix ms, at which run time `s` was due.
    public func dueWallMs(runS s: Double) -> Double {
        let paused = shifts.last { $0.runS <= s }?.totalS ?? 0
        return Double(wallStartMs) + (s / speed + paused) * 1_000
    }

    /// The event time at which a message emitted at `emittedMs` told its news, as ``Scorer``
    /// takes it (``TimeMapping/eventTimeMs(emittedMs:lastTs:)``): its `lastTs` plus the wall time
    /// from when the frame carrying `lastTs` was due until `emittedMs`. `phase` is the trial's.
    public func toldEventTimeMs(emittedMs: Int64, lastTs: Int64, phase: Int) -> Int64 {
        guard phase < phaseStartS.count else { return emittedMs }
        let s = phaseStartS[phase] + Double(lastTs - phaseEpochMs[phase]) / 1_000
        return lastTs + Int64((Double(emittedMs) - dueWallMs(runS: s)).rounded())
    }
}

/// What a trials run sent and what truly happened in it.
public struct TrialRunResult: Sendable {
    /// The true events of each trial (``TrialPlan/entries`` order), hidden ones included, at
    /// their event times in the run.
    public var truths: [[TrueEvent]]
    /// How event time met the wall clock, for latencies; `nil`: wall time is event time.
    public var clock: TrialClock?
    /// Messages sent: trial frames and heartbeats.
    public var sent: Int
    /// Wall-clock seconds from the first message to the last.
    public var seconds: Double
    /// The longest the sender fell behind its pace before pausing to it, ms.
    public var maxLagMs: Double
    /// Times the sender fell more than ``TrialRunner/maxLagS`` behind (its machine was busy)
    /// and paused the run to catch up, rather than send in a burst.
    public var lagPauses: Int
    /// Times the daemon's backlog was over ``TrialRunner/maxBacklog`` and the run waited for it,
    /// and the seconds it waited in all.
    public var backlogPauses: Int
    /// Seconds waited for the daemon in all.
    public var backlogWaitS: Double
    /// Whether the daemon's control endpoint stopped answering (no more flow control).
    public var flowControlLost: Bool

    /// Creates a result.
    public init(
        truths: [[TrueEvent]], clock: TrialClock?, sent: Int, seconds: Double, maxLagMs: Double = 0, lagPauses: Int = 0,
        backlogPauses: Int = 0, backlogWaitS: Double = 0, flowControlLost: Bool = false
    ) {
        self.truths = truths
        self.clock = clock
        self.sent = sent
        self.seconds = seconds
        self.maxLagMs = maxLagMs
        self.lagPauses = lagPauses
        self.backlogPauses = backlogPauses
        self.backlogWaitS = backlogWaitS
        self.flowControlLost = flowControlLost
    }
}

/// Plays a ``TrialPlan`` through a ``Publisher``: every trial's frames from its own
/// ``Simulator`` (its cameras, its seed, its faults), merged in the order they are sent, and a
/// heartbeat every ``idleHeartbeatS`` from every registered camera no trial is driving (spread
/// over the interval), so the daemon sees the whole border alive.
///
/// Each camera's `seq` runs on across trials and heartbeats (a trial's frames are renumbered
/// after what the camera sent before), and each trial's `ts` is moved to its start's event time
/// (``TrialPlan/offsetMs(of:)``). Run time `s` is due on the wall clock at `start + s / speed`,
/// plus the pauses:
/// - the sender never bursts to catch up: more than ``maxLagS`` behind (its machine was busy),
///   it pauses the run by as much;
/// - with a ``TrialFlowControl``, every ``flowCheckS`` it asks the daemon how many reports it has
///   dealt with, and while more than ``maxBacklog`` of those sent are not, it waits.
/// Pauses shift the wall clock only (``TrialClock``); event time and everything the daemon is
/// judged on stay as planned.
///
/// Runs on the calling thread, which owns the publisher's socket for the whole run.
public struct TrialRunner {
    /// The plan, anchored in event time.
    public let plan: TrialPlan
    /// Every registered camera.
    public let cameras: [Camera]
    /// Run seconds per wall-clock second.
    public let speed: Double
    /// Seconds of run time between idle heartbeats.
    public let idleHeartbeatS: Double
    /// Milliseconds to wait before the first message (PUB/SUB slow joiner).
    public let warmupMs: Int
    /// Most messages sent and not yet dealt with by the daemon before the run waits.
    public let maxBacklog: Int

    /// The sender pauses rather than bursts when this far behind, seconds.
    public static let maxLagS = 0.25
    /// Wall-clock seconds between two questions to the daemon.
    public static let flowCheckS = 0.2
    /// The longest wait for the daemon's backlog to drain, seconds; then the run goes on.
    public static let maxBacklogWaitS = 60.0

    /// Creates a runner.
    public init(plan: TrialPlan, cameras: [Camera], speed: Double, idleHeartbeatS: Double = 1, warmupMs: Int = 500, maxBacklog: Int = 5_000) {
        precondition(speed > 0 && speed.isFinite, "speed must be positive")
        precondition(idleHeartbeatS > 0, "heartbeats are needed: a camera silent for 30 s is offline")
        self.plan = plan
        self.cameras = cameras
        self.speed = speed
        self.idleHeartbeatS = idleHeartbeatS
        self.warmupMs = warmupMs
        self.maxBacklog = maxBacklog
    }

    /// A trial being played.
    private struct Active {
        var entry: Int
        var simulator: Simulator
        var next: SimulatedFrame?
        /// Global camera index of each of the simulator's cameras.
        var global: [Int]
        /// The `seq` each of its cameras had reached before the trial.
        var base: [UInt64]
        var offsetMs: Int64
        var startS: Double
        var nextTime: Double { next.map { startS + $0.sendTime } ?? .infinity }
    }

    /// Plays the plan; `flow` (when given) keeps the daemon's backlog short; `progress` gets a
    /// line now and then.
    public func run(publisher: Publisher, flow: TrialFlowControl? = nil, progress: (String) -> Void) throws(ZMQError) -> TrialRunResult {
        let index = Dictionary(uniqueKeysWithValues: cameras.enumerated().map { ($1.id, $0) })
        let topics = cameras.map { DetectionTopic.make(sector: $0.sector, camera: $0.id) }
        // Each camera's busy windows (no heartbeats), ascending.
        var busy = Array(repeating: [(Double, Double)](), count: cameras.count)
        for entry in plan.entries {
            for id in entry.spec.cameras {
                if let camera = index[id] { busy[camera].append((entry.startS - TrialPlan.quietS, entry.endS + TrialPlan.quietS)) }
            }
        }
        for camera in busy.indices { busy[camera].sort { $0.0 < $1.0 } }
        var busyCursor = Array(repeating: 0, count: cameras.count)
        func isBusy(_ camera: Int, _ t: Double) -> Bool {
            while busyCursor[camera] < busy[camera].count && busy[camera][busyCursor[camera]].1 < t { busyCursor[camera] += 1 }
            guard busyCursor[camera] < busy[camera].count else { return false }
            return busy[camera][busyCursor[camera]].0 <= t
        }

        WallClock.sleep(seconds: Double(warmupMs) / 1000)
        let wallStartMs = WallClock.nowMs()
        let start = WallClock.monotonic()
        var seqNext = Array(repeating: UInt64(0), count: cameras.count)
        var pending = plan.entries.indices.sorted { plan.entries[$0].startS < plan.entries[$1].startS }[...]
        var active: [Active] = []
        var truths = Array(repeating: [TrueEvent](), count: plan.entries.count)
        var payload: [UInt8] = []
        payload.reserveCapacity(4_096)
        // Heartbeats: round r, camera c at r·idleHeartbeatS + c/cameras·idleHeartbeatS (spread
        // over the interval rather than all at once).
        var beatRound = 0, beatCamera = 0
        func beatTime() -> Double {
            (Double(beatRound) + Double(beatCamera) / Double(max(cameras.count, 1))) * idleHeartbeatS
        }
        var sent = 0, done = 0
        var maxLag = 0.0, lagPauses = 0, backlogPauses = 0, backlogWait = 0.0
        var paused = 0.0
        var shifts: [TrialClock.Shift] = []
        var lastProgress = start, lastCheck = start

        func pause(_ seconds: Double, at t: Double) {
            paused += seconds
            if let last = shifts.last, last.runS == t {
                shifts[shifts.count - 1].totalS = paused
            } else {
                shifts.append(TrialClock.Shift(runS: t, totalS: paused))
            }
        }
        /// Waits until run time `t` is due; pauses the run instead of bursting when late, and
        /// while the daemon is too far behind.
        func pace(_ t: Double) {
            if let flow, WallClock.monotonic() - lastCheck >= Self.flowCheckS {
                lastCheck = WallClock.monotonic()
                if let handled = flow.handled(), sent - handled > maxBacklog {
                    let began = WallClock.monotonic()
                    backlogPauses += 1
                    while WallClock.monotonic() - began < Self.maxBacklogWaitS {
                        WallClock.sleep(seconds: 0.02)
                        guard let now = flow.handled(), sent - now > maxBacklog / 2 else { break }
                    }
                    let waited = WallClock.monotonic() - began
                    backlogWait += waited
                    lastCheck = WallClock.monotonic()
                    // The wait counts as a pause only for what was not due yet anyway.
                    let behind = WallClock.monotonic() - (start + t / speed + paused)
                    if behind > 0 { pause(behind, at: t) }
                }
            }
            let due = start + t / speed + paused
            WallClock.wait(until: due)
            let lag = WallClock.monotonic() - due
            if lag * 1_000 > maxLag { maxLag = lag * 1_000 }
            if lag > Self.maxLagS {
                lagPauses += 1
                pause(lag, at: t)
            }
        }

        while true {
            let nextStart = pending.first.map { plan.entries[$0].startS } ?? .infinity
            let nextBeat = !cameras.isEmpty && beatTime() <= plan.durationS ? beatTime() : .infinity
            let soonest = active.indices.min { active[$0].nextTime < active[$1].nextTime }
            let nextFrame = soonest.map { active[$0].nextTime } ?? .infinity
            let t = min(nextStart, nextBeat, nextFrame)
            guard t.isFinite else { break }
            if WallClock.monotonic() - lastProgress >= 10 {
                lastProgress = WallClock.monotonic()
                progress(
                    "run time \(Format.fixed(t, 0)) of \(Format.fixed(plan.durationS, 0)) s: \(done) trials played, \(active.count) playing, \(sent) messages sent"
                        + (paused > 0 ? ", paused \(Format.fixed(paused, 1)) s so far" : ""))
            }
            if nextStart == t, let entryIndex = pending.popFirst() {
                let entry = plan.entries[entryIndex]
                var simulator = entry.simulator
                let global = simulator.cameras.map { index[$0.id] ?? 0 }
                let next = simulator.next()
                active.append(
                    Active(
                        entry: entryIndex, simulator: simulator, next: next, global: global, base: global.map { seqNext[$0] },
                        offsetMs: plan.offsetMs(of: entry), startS: entry.startS))
                continue
            }
            if nextBeat == t {
                let camera = beatCamera
                beatCamera += 1
                if beatCamera == cameras.count {
                    beatCamera = 0
                    beatRound += 1
                }
                guard !isBusy(camera, t) else { continue }
                pace(t)
                FrameWriter.write(
                    FrameReport(camera: cameras[camera].id, seq: seqNext[camera], ts: plan.eventTimeMs(at: t), detections: [], exercise: true),
                    into: &payload)
                try publisher.send(topic: topics[camera], payload: payload)
                seqNext[camera] += 1
                sent += 1
                continue
            }
            guard let a = soonest, var frame = active[a].next else { break }
            pace(t)
            frame.report.seq = active[a].base[frame.cameraIndex] &+ frame.report.seq
            frame.report.ts += active[a].offsetMs
            FrameWriter.write(frame.report, into: &payload)
            try publisher.send(topic: frame.topic, payload: payload)
            sent += 1
            active[a].next = active[a].simulator.next()
            if active[a].next == nil {
                let finished = active.remove(at: a)
                for (local, camera) in finished.global.enumerated() {
                    seqNext[camera] = finished.base[local] + UInt64(finished.simulator.framesPerCamera)
                }
                truths[finished.entry] = plan.truth(of: plan.entries[finished.entry])
                done += 1
            }
        }
        let seconds = WallClock.monotonic() - start
        let clock = TrialClock(
            wallStartMs: wallStartMs, speed: speed, phaseStartS: plan.phases.map(\.startS), phaseEpochMs: plan.phases.map(\.epochMs),
            shifts: shifts)
        return TrialRunResult(
            truths: truths, clock: clock, sent: sent, seconds: seconds, maxLagMs: maxLag, lagPauses: lagPauses, backlogPauses: backlogPauses,
            backlogWaitS: backlogWait, flowControlLost: flow?.gaveUp ?? false)
    }
}
