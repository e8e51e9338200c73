import VigilCore

/// When and at what event time each trial of a run is played.
///
/// **One run, many trials.** Trials are played in one accelerated run, several at once: each
/// trial drives only its own cameras (``TrialSpec/cameras``), and two trials overlap in time only
/// when they share no camera and cross at least ``separationM`` apart, so their targets can
/// neither fuse (the daemon fuses within 60 m) nor group (25 m), and no incident can be taken
/// for the other's (scoring matches within 300 m). A camera's next trial starts ``resolveS``
/// after its previous one ends (the daemon resolves an incident 30 s after its last sighting,
/// in event time, and forgets a track after 30 s), and its idle heartbeats stop ``quietS``
/// before a trial and resume ``quietS`` after it, so a camera's clock skew in a trial never
/// makes its frames older than the heartbeat before them. Trials are placed greedily in index
/// order at the earliest such time (whole seconds). Town trials take the longest: the towns on
/// the line span a few kilometres, so they are played one or two at a time.
///
/// **Day and night.** The default rules' schedules are local time (`Asia/Baghdad`), so event
/// time matters: night trials are played first, in a phase whose event time starts at local
/// 21:00, then day trials, in a phase starting at local 09:00 (``anchor(nowMs:siteTime:)``). Both
/// lie in the past, before the run's start (the daemon takes reports up to a year old; a backlog
/// is real data), and event time only moves forward: the night phase is the evening before the
/// day phase. Each phase ends with ``phaseTailS`` of heartbeats, so its incidents resolve before
/// event time jumps to the next.
///
/// The whole run is scenario time from 0 to ``durationS``, played at a constant speed-up; a
/// phase maps its part of it to event time from its own epoch.
public struct TrialPlan: Sendable {
    /// One trial in the run.
    public struct Entry: Sendable {
        /// The trial.
        public var spec: TrialSpec
        /// Its simulator, at event time 0 (the runner shifts `ts` to the phase's time).
        public var simulator: Simulator
        /// Run time at which it starts, seconds (whole).
        public var startS: Double
        /// Its phase, an index into ``TrialPlan/phases``.
        public var phase: Int

        /// Seconds the trial's cameras report (until its intruders are gone, plus the tail).
        public var durationS: Double { simulator.duration }
        /// Run time at which its cameras' last frame is taken.
        public var endS: Double { startS + durationS }
    }

    /// A stretch of the run with one time of day.
    public struct Phase: Sendable {
        /// Day or night.
        public var light: TrialLight
        /// Run time at which it starts, seconds.
        public var startS: Double
        /// Run time at which it ends.
        public var endS: Double
        /// Event time, Unix ms, of the phase's start (set by ``TrialPlan/anchor(nowMs:siteTime:)``).
        public var epochMs: Int64
    }

    /// Trials that share a camera keep this far apart in time, seconds (after the first ends).
    public static let resolveS = 40.0
    /// Idle heartbeats of a trial's cameras pause this long before and after it, seconds.
    public static let quietS = 6.0
    /// Trials at the same time cross at least this far apart, metres.
    public static let separationM = 1_500.0
    /// Heartbeats at the end of each phase, seconds.
    public static let phaseTailS = resolveS + quietS
    /// Local time, minutes after midnight, at which each phase's event time starts.
    public static let phaseStartMinute: [TrialLight: Int] = [.night: 21 * 60, .day: 9 * 60]
    /// The longest phase, seconds of event time: a phase stays inside its day or night.
    public static let maxPhaseS = 8.0 * 3_600

    /// The trials, in index order.
    public var entries: [Entry]
    /// The phases, night first.
    public var phases: [Phase]

    /// The run's length, seconds of scenario time.
    public var durationS: Double { phases.last?.endS ?? 0 }

    /// Schedules `specs` in `world` (see the type's description); event times are set later by
    /// ``anchor(nowMs:siteTime:)``.
    public init(specs: [TrialSpec], world: SimulationWorld) {
        var entries: [Entry] = []
        var phases: [Phase] = []
        var phaseStart = 0.0
        for light in [TrialLight.night, .day] {
            let mine = specs.filter { $0.light == light }
            guard !mine.isEmpty else { continue }
            let phase = phases.count
            var placed: [Entry] = []
            for spec in mine {
                let simulator = Simulator(scenario: spec.scenario, world: spec.world(in: world))
                var entry = Entry(spec: spec, simulator: simulator, startS: phaseStart, phase: phase)
                let candidates = ([phaseStart] + placed.map { ($0.endS + Self.resolveS + Self.quietS).rounded(.up) }).sorted()
                for start in candidates where start >= phaseStart {
                    entry.startS = start
                    if !placed.contains(where: { Self.conflict(entry, $0) }) { break }
                }
                placed.append(entry)
            }
            let end = (placed.map(\.endS).max() ?? phaseStart) + Self.phaseTailS
            phases.append(Phase(light: light, startS: phaseStart, endS: end.rounded(.up), epochMs: 0))
            entries += placed
            phaseStart = end.rounded(.up)
        }
        self.entries = entries.sorted { $0.spec.index < $1.spec.index }
        self.phases = phases
    }

    /// Whether `a` and `b` may not be played as scheduled: their busy times overlap and they
    /// share a camera or cross closer than ``separationM``.
    static func conflict(_ a: Entry, _ b: Entry) -> Bool {
        let overlap = a.startS - quietS < b.endS + resolveS && b.startS - quietS < a.endS + resolveS
        guard overlap else { return false }
        return a.spec.cameras.contains { b.spec.cameras.contains($0) } || a.spec.crossing.distance(to: b.spec.crossing) < separationM
    }

    /// Sets each phase's event time: the day phase starts at the latest local 09:00 that lets it
    /// end two minutes before `nowMs`; the night phase at the latest local 21:00 that lets it
    /// end two minutes before the day phase starts (or before `nowMs`). Fails when a phase is
    /// longer than ``maxPhaseS``.
    public mutating func anchor(nowMs: Int64, siteTime: SiteTime) throws(TrialError) {
        let margin: Int64 = 120_000
        var limit = nowMs - margin
        for index in phases.indices.reversed() {
            let length = phases[index].endS - phases[index].startS
            guard length <= Self.maxPhaseS else {
                throw TrialError(
                    "the \(phases[index].light.rawValue) trials need \(Format.fixed(length / 3_600, 1)) h of event time; at most \(Format.fixed(Self.maxPhaseS / 3_600, 0)) h fit in a \(phases[index].light.rawValue): run fewer trials")
            }
            let minute = Self.phaseStartMinute[phases[index].light] ?? 0
            let epoch = Self.latest(localMinute: minute, atOrBefore: limit - Int64((length * 1_000).rounded(.up)), siteTime: siteTime)
            phases[index].epochMs = epoch
            limit = epoch - margin
        }
    }

    /// The latest instant at or before `limit` whose local time in `siteTime` is `localMinute`
    /// after midnight.
    static func latest(localMinute: Int, atOrBefore limit: Int64, siteTime: SiteTime) -> Int64 {
        let day: Int64 = 86_400_000
        let offset = Int64(siteTime.offsetSeconds(at: limit)) * 1_000
        let local = limit + offset
        let midnight = (local >= 0 ? local / day : (local - day + 1) / day) * day
        var candidate = midnight + Int64(localMinute) * 60_000 - offset
        if candidate > limit { candidate -= day }
        // Across a change of offset (daylight saving), correct by the offset in force then.
        let shift = Int64(siteTime.offsetSeconds(at: candidate)) * 1_000 - offset
        if shift != 0 && candidate - shift <= limit { candidate -= shift }
        return candidate
    }

    /// The phase that run time `s` falls in (the last for times past the end).
    public func phaseIndex(at s: Double) -> Int {
        phases.lastIndex { $0.startS <= s } ?? 0
    }

    /// The event time, Unix ms, of run time `s` (whole milliseconds of the phase's clock).
    public func eventTimeMs(at s: Double) -> Int64 {
        let phase = phases[phaseIndex(at: s)]
        return phase.epochMs + Int64(((s - phase.startS) * 1_000).rounded(.down))
    }

    /// How much the `ts` of `entry`'s frames (taken at event time 0) are shifted: its start's
    /// event time.
    public func offsetMs(of entry: Entry) -> Int64 {
        let phase = phases[entry.phase]
        return phase.epochMs + Int64(((entry.startS - phase.startS) * 1_000).rounded())
    }

    /// The true events of `entry` (hidden ones included) at their event times in the run, and
    /// scenario times in run time.
    public func truth(of entry: Entry) -> [TrueEvent] {
        let truth = entry.simulator.groundTruth(throughScenarioTime: entry.simulator.duration)
        let offset = offsetMs(of: entry)
        return (truth.events + truth.hidden).map { event in
            var event = event
            event.eventTimeMs += offset
            event.scenarioTime += entry.startS
            return event
        }
    }

    /// Trials played at once at their busiest moment.
    public var peakConcurrency: Int {
        entries.map { entry in entries.filter { $0.startS <= entry.startS && entry.startS < $0.endS }.count }.max() ?? 0
    }
}
