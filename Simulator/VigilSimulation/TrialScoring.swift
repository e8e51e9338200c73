import VigilCore

/// What became of one trial: was its crossing detected, with the right direction and count, and
/// how soon.
public struct TrialOutcome: Sendable {
    /// The trial.
    public var spec: TrialSpec
    /// Run time at which it started, seconds.
    public var startS: Double
    /// Its crossing as the truth has it (the group's centre crossing the line), `nil` when the
    /// truth expects no crossing alert (then the trial is not scored).
    public var crossing: TrueEvent?
    /// The local time of the crossing in the site's time zone, `HH:MM`.
    public var localTime: String
    /// Whether a `border_crossing` incident matched the crossing (class, place and time, whatever
    /// its direction).
    public var detected: Bool
    /// Whether the matched incident named the true direction.
    public var directionRight: Bool
    /// The direction the matched incident named.
    public var reportedDirection: String?
    /// The matched incident's largest `count`.
    public var reportedCount: Int?
    /// Whether every matched incident's largest `count` is the number of members.
    public var countRight: Bool
    /// From the true crossing to the daemon's telling of it, ms (as ``Scorer`` takes it, on the
    /// run's ``TrialClock``).
    public var latencyMs: Double?
    /// The daemon's own delay, ms: from the moment the frame carrying the crossing message's
    /// `last_ts` was due to be sent to the message's `emitted_ts` (wall clock). `nil` for trials
    /// whose cameras' clocks are skewed or whose frames are held back (reordering): their `ts`
    /// does not say when the frame was sent.
    public var processingMs: Double?
    /// The ids of the incidents attributed to the trial (near it in place and time).
    public var incidents: [String]
    /// Incidents beyond the first for one true event (all kinds).
    public var duplicates: Int
    /// Attributed incidents that match no true event of the trial (all kinds).
    public var falseAlerts: Int
    /// The trial's score for each kind (direction left out of matching, as for ``detected``).
    public var kinds: [KindScore]

    /// Creates an outcome.
    public init(
        spec: TrialSpec, startS: Double, crossing: TrueEvent?, localTime: String, detected: Bool, directionRight: Bool,
        reportedDirection: String?, reportedCount: Int?, countRight: Bool, latencyMs: Double?, incidents: [String], duplicates: Int,
        falseAlerts: Int, kinds: [KindScore]
    ) {
        self.spec = spec
        self.startS = startS
        self.crossing = crossing
        self.localTime = localTime
        self.detected = detected
        self.directionRight = directionRight
        self.reportedDirection = reportedDirection
        self.reportedCount = reportedCount
        self.countRight = countRight
        self.latencyMs = latencyMs
        self.processingMs = nil
        self.incidents = incidents
        self.duplicates = duplicates
        self.falseAlerts = falseAlerts
        self.kinds = kinds
    }

    /// Whether the trial counts for the probability of detection (the truth expects its crossing
    /// to be raised).
    public var scored: Bool { crossing != nil }
}

/// Scores a trials run: each trial against its own ground truth with the existing scoring
/// (``Scorer``), on the incidents near it.
///
/// **Attribution.** Alerts are grouped into incidents by `id`. An incident of a target kind (not
/// a camera's health) belongs to the trial whose crossing point is nearest its first position,
/// among the trials within ``attributionDistanceM`` that were being played when the incident's
/// first detection was made (its earliest `first_ts` within the trial's event time, give or take
/// ``attributionSlackMs``). Trials played at once share no camera and cross at least 1.5 km
/// apart, and trials on the same cameras are 40 s apart (``TrialPlan``), so this is never
/// ambiguous; an incident no trial claims is a *stray*, and counts as a false alert of the run.
///
/// **Detection.** A trial is scored when its truth expects a `border_crossing`. It is *detected*
/// when a `border_crossing` incident matches the crossing as ``Scorer`` matches (class, within
/// `--match-distance-m` at its first crossing message, its window within `--match-time-s`), the
/// direction left out; the direction is then judged on its own (*direction accuracy*), and so is
/// the count (a group of N must be one incident with `count` N). A miss is a scored trial not
/// detected. Other kinds (an intrusion into the Rabia restricted area on the way, a crawler's
/// minute in the strip) are scored too and reported beside.
///
/// **Night in town.** The truth does not model the rules' schedules (``TruthRules``): it takes
/// the day-only `town-by-day` suppression as always on, and so calls a zone event of a person in
/// a town (a minute in the strip, three people dwelling) silent. At night the rules do alert on
/// them; for night trials these events are taken as *hidden* (an incident may tell of them or
/// not). Crossings are never affected: no rule silences them.
public enum TrialScorer {
    /// Greatest distance, metres, from a trial's crossing point to an incident's first position
    /// for the incident to be the trial's.
    public static let attributionDistanceM = 2_000.0
    /// Slack, ms, around a trial's event time for an incident's first sighting to be the
    /// trial's: more than a skewed camera's clock can be off (4 s).
    public static let attributionSlackMs: Int64 = 5_000

    /// Scores every trial of `plan` played in `run` against `messages` (in order of arrival);
    /// returns the outcomes and the stray incidents' kinds (health incidents apart).
    public static func score(
        plan: TrialPlan, run: TrialRunResult, messages: [PartialAlertMessage], world: SimulationWorld, siteTime: SiteTime,
        parameters: MatchParameters = MatchParameters()
    ) -> (outcomes: [TrialOutcome], strays: [String: Int], health: [String: Int]) {
        var healthKinds: Set<String> = []
        var targetKinds: [String] = []
        for rule in world.rules {
            guard case .alert(let kind, _) = rule.action else { continue }
            if rule.isHealthRule { healthKinds.insert(kind) } else if !targetKinds.contains(kind) { targetKinds.append(kind) }
        }
        var byTrial = Array(repeating: [String](), count: plan.entries.count)
        var strays: [String: Int] = [:], health: [String: Int] = [:]
        let incidents = AlertIncident.group(messages)
        for incident in incidents {
            if incident.kinds.contains(where: healthKinds.contains) {
                health[incident.kinds.last ?? "unknown", default: 0] += 1
                continue
            }
            let position = incident.messages.first { $0.position != nil }?.position
            var best: (entry: Int, distance: Double)?
            if let position, let window = incident.window {
                for (index, entry) in plan.entries.enumerated() {
                    let from = plan.offsetMs(of: entry) - attributionSlackMs
                    let to = plan.offsetMs(of: entry) + Int64((entry.durationS * 1_000).rounded()) + attributionSlackMs
                    guard from <= window.lowerBound && window.lowerBound <= to else { continue }
                    let distance = position.distance(to: entry.spec.crossing)
                    if distance <= attributionDistanceM && distance < (best?.distance ?? .infinity) { best = (index, distance) }
                }
            }
            if let best { byTrial[best.entry].append(incident.id) } else { strays[incident.kinds.last ?? "unknown", default: 0] += 1 }
        }

        var outcomes: [TrialOutcome] = []
        for (index, entry) in plan.entries.enumerated() {
            let spec = entry.spec
            let ids = Set(byTrial[index])
            let mine = messages.filter { ids.contains($0.id) }
            let truth = index < run.truths.count ? night(run.truths[index], spec) : []
            let crossing = truth.first { $0.kind == TrueEvent.borderCrossing && $0.expectation == .expected }
            // Direction left out: a detection is a detection; the direction is judged apart.
            let undirected = truth.map { event in
                var event = event
                if event.kind == TrueEvent.borderCrossing { event.direction = nil }
                return event
            }
            let score = Scorer.score(truth: GroundTruth(events: undirected, alertKinds: targetKinds), messages: mine, parameters: parameters)
            let crossingScore = score[TrueEvent.borderCrossing]
            var matched: [AlertIncident] = []
            if let crossing {
                var undirectedCrossing = crossing
                undirectedCrossing.direction = nil
                matched = AlertIncident.group(mine).filter { incident in
                    guard let first = incident.firstMessage(ofKind: TrueEvent.borderCrossing) else { return false }
                    return Scorer.matches(incident, first: first, undirectedCrossing, parameters)
                }
            }
            let detected = crossing != nil && (crossingScore?.detected ?? 0) > 0
            let reportedDirection = matched.first?.firstMessage(ofKind: TrueEvent.borderCrossing)?.direction
            // Latency as the Scorer takes it, on the run's clock (with its pauses): from the true
            // crossing to the first crossing message of the earliest matched incident.
            var latency: Double?, processing: Double?
            if let crossing {
                for incident in matched {
                    guard let first = incident.firstMessage(ofKind: TrueEvent.borderCrossing), let emitted = first.emittedTs else { continue }
                    var told = emitted
                    var delay: Double?
                    if let clock = run.clock, let lastTs = first.lastTs {
                        told = clock.toldEventTimeMs(emittedMs: emitted, lastTs: lastTs, phase: entry.phase)
                        if spec.faults.clockSkewMs.isEmpty && spec.faults.reorderMs == 0 { delay = Double(told - lastTs) }
                    }
                    let value = Double(told - crossing.eventTimeMs)
                    if latency.map({ value < $0 }) ?? true {
                        latency = value
                        processing = delay
                    }
                }
            }
            var outcome = TrialOutcome(
                spec: spec, startS: entry.startS, crossing: crossing,
                localTime: crossing.map { localTime($0.eventTimeMs, siteTime) } ?? "-", detected: detected,
                directionRight: detected && reportedDirection == crossing?.direction, reportedDirection: reportedDirection,
                reportedCount: matched.first?.largestCount, countRight: detected && (crossingScore?.countErrors ?? 0) == 0,
                latencyMs: detected ? latency : nil, incidents: byTrial[index],
                duplicates: score.kinds.reduce(0) { $0 + $1.duplicates }, falseAlerts: score.kinds.reduce(0) { $0 + $1.falseAlerts },
                kinds: score.kinds)
            outcome.processingMs = detected ? processing : nil
            outcomes.append(outcome)
        }
        return (outcomes, strays, health)
    }

    /// `truth` with the night correction (see the type's description) for night trials.
    static func night(_ truth: [TrueEvent], _ spec: TrialSpec) -> [TrueEvent] {
        guard spec.light == .night else { return truth }
        return truth.map { event in
            var event = event
            if event.kind != TrueEvent.borderCrossing && event.expectation == .silent && event.objectClass == .person {
                event.expectation = .hidden
            }
            return event
        }
    }

    /// `HH:MM` at `ms` in `siteTime`.
    public static func localTime(_ ms: Int64, _ siteTime: SiteTime) -> String {
        let minute = siteTime.local(ms).minute
        let hours = minute / 60, minutes = minute % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
