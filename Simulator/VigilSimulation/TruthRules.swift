import VigilCore

/// The daemon's alert rules (`rules.yaml`) applied to what actors truly do, to decide which
/// alert each true event should raise; the rule semantics are the engine's (`Rule`,
/// `RuleBook+Evaluation.swift`), evaluated on the noise-free path instead of on detections.
///
/// **Facts.** An actor has a `cross` fact at the moment its path crosses the border, and, while
/// it is inside a zone (a ``ZoneVisit``), an `enter` fact and a `dwell` fact of the seconds
/// since the entry, and a `loiter` fact once that is more than the zone's `loitering_s`. A rule
/// matches a fact when its event (any, when it names none), zone id, zone kind, classes and
/// `min_conf` (against the actor's `conf`) all match; a `dwell` rule once the dwell reaches its
/// `after_s`.
///
/// **Events.** A crossing is a `border_crossing` with the severity of the best alert rule that
/// matches its `cross` fact. A zone visit gives one event at each moment a new alert rule starts
/// to match it: at the entry for `enter` rules (and rules that name no event), `after_s` after
/// it for `dwell` rules, `loitering_s` after it for `loiter` rules, provided the actor is still
/// inside then. The event takes the kind and severity of the best rule starting to match at that
/// moment (highest severity, first listed on a tie).
///
/// **Expectation.** An event is *silent* when a suppressing rule that covers its event (`cross`
/// for a crossing; `enter`, `dwell` or `loiter` for a zone event, see ``Rule/covers(_:)``)
/// matches any fact of the actor at that moment (animals), or when it is a crossing no alert
/// rule matches. One actor is one
/// target and one incident for the whole pass, and an incident's kind changes only when its
/// severity rises; so an event is *hidden* when an earlier event of the same actor (in the same
/// pass, silent ones apart) already had its kind, or a severity at least as high: the daemon may
/// tell it or not. The rest are *expected*.
struct TruthRules {
    /// The rules, in file order.
    let rules: [Rule]

    /// What is true of an actor at one moment, for matching rules.
    enum Fact {
        /// Its path crosses the border zone `zoneID`.
        case cross(zoneID: String)
        /// It has been inside the zone for `seconds`.
        case inside(ZoneVisit, seconds: Double)
    }

    /// Whether `rule` matches `fact` for an actor of `objectClass` and `conf`; with `anyEvent`,
    /// whatever the events the rule covers (a suppression's zone says where, its events what).
    func matches(_ rule: Rule, _ fact: Fact, _ objectClass: ObjectClass, conf: Double, anyEvent: Bool = false) -> Bool {
        // Camera events (offline, coverage gaps) are judged apart; schedules, group sizes, camera
        // prefixes and inhibitions are not modelled here: the default rules use them only where
        // no scenario's actor goes (towns by day) or for groups, which the truth scores by count.
        guard !rule.isHealthRule, rule.classes?.contains(objectClass) ?? true, conf >= rule.minConf else { return false }
        switch fact {
        case .cross(let zoneID):
            guard anyEvent || rule.covers(.cross) else { return false }
            return (rule.zoneID == nil || rule.zoneID == zoneID) && (rule.zoneKind == nil || rule.zoneKind == .border)
        case .inside(let visit, let seconds):
            guard (rule.zoneID == nil || rule.zoneID == visit.zoneID) && (rule.zoneKind == nil || rule.zoneKind == visit.zoneKind)
            else { return false }
            return anyEvent || rule.covers(.enter) || (rule.covers(.dwell) && seconds >= rule.afterSeconds)
                || (rule.covers(.loiter) && visit.loiteringS.map { seconds >= $0 } ?? false)
        }
    }

    /// The best of the alert rules among `candidates` (indices), highest severity first, then
    /// first listed; `nil` when none is an alert rule.
    func best(of candidates: [Int]) -> (kind: String, severity: Severity)? {
        var best: (kind: String, severity: Severity)?
        for index in candidates {
            guard case .alert(let kind, let severity) = rules[index].action else { continue }
            if best == nil || severity > best!.severity { best = (kind, severity) }
        }
        return best
    }

    /// Whether a suppressing rule that covers `event` matches any of `facts`.
    func suppresses(_ event: RuleEvent, _ facts: [Fact], _ objectClass: ObjectClass, conf: Double) -> Bool {
        rules.contains { rule in
            rule.action == .suppress && rule.covers(event) && facts.contains { matches(rule, $0, objectClass, conf: conf, anyEvent: true) }
        }
    }

    /// The moments, seconds after the entry, at which an alert rule starts to match `visit` for
    /// the actor, with the best rule starting then.
    func zoneEvents(_ visit: ZoneVisit, _ objectClass: ObjectClass, conf: Double) -> [(delay: Double, event: RuleEvent, kind: String, severity: Severity)] {
        var starts: [Double: (event: RuleEvent, rules: [Int])] = [:]
        for (index, rule) in rules.enumerated() {
            guard case .alert = rule.action else { continue }
            // The first moment one of the events it covers is true of the visit.
            let moments: [(RuleEvent, Double?)] = [(.enter, 0), (.dwell, rule.afterSeconds), (.loiter, visit.loiteringS)]
            guard let (event, delay) = moments.compactMap({ (event, delay) in delay.map { (event, $0) } })
                .filter({ rule.covers($0.0) }).min(by: { $0.1 < $1.1 }),
                visit.enteredS + delay < visit.leftS,
                matches(rule, .inside(visit, seconds: delay), objectClass, conf: conf)
            else { continue }
            starts[delay, default: (event, [])].rules.append(index)
        }
        return starts.keys.sorted().compactMap { delay in
            let start = starts[delay]!
            return best(of: start.rules).map { (delay, start.event, $0.kind, $0.severity) }
        }
    }

    /// The severity of a crossing of border zone `zoneID`, or `nil` when no alert rule matches it.
    func crossingSeverity(zoneID: String, _ objectClass: ObjectClass, conf: Double) -> Severity? {
        best(of: rules.indices.filter { matches(rules[$0], .cross(zoneID: zoneID), objectClass, conf: conf) })?.severity
    }
}

extension Simulator {
    /// The true events of one pass, at scenario times into the pass, with event times on
    /// `epochMs` (see ``TruthRules`` for how rules decide kinds and expectations).
    static func passTruth(
        scenario: Scenario, world: SimulationWorld, events: [ActorEvent], visits: [ZoneVisit], trajectories: [Trajectory], epochMs: Int64
    ) -> [TrueEvent] {
        let judge = TruthRules(rules: world.rules)
        var truth: [TrueEvent] = []
        for (index, actor) in scenario.actors.enumerated() {
            let trajectory = trajectories[index]
            let own = visits.filter { $0.actorID == actor.id }
            func facts(at t: Double) -> [TruthRules.Fact] {
                own.filter { $0.contains(t) }.map { .inside($0, seconds: t - $0.enteredS) }
            }
            func event(
                kind: String, time: Double, position: GeoPoint, direction: String? = nil, km: Double? = nil, zoneID: String?,
                severity: Severity?, silent: Bool
            ) -> TrueEvent {
                TrueEvent(
                    kind: kind, actorID: actor.id, objectClass: actor.objectClass, count: actor.count, direction: direction,
                    km: km ?? world.border?.locate(position)?.km ?? 0, position: position, scenarioTime: time,
                    eventTimeMs: epochMs + Int64((time * 1000).rounded(.down)), zoneID: zoneID, severity: severity,
                    expectation: silent ? .silent : .expected)
            }
            var mine: [TrueEvent] = []
            for actorEvent in events where actorEvent.actorID == actor.id {
                guard case .crossed(let from, let to, let km) = actorEvent.kind else { continue }
                let zoneID = world.border?.zoneID ?? "border"
                let severity = judge.crossingSeverity(zoneID: zoneID, actor.objectClass, conf: actor.conf)
                let silent =
                    !world.rules.isEmpty
                    && (severity == nil
                        || judge.suppresses(.cross, facts(at: actorEvent.time) + [.cross(zoneID: zoneID)], actor.objectClass, conf: actor.conf))
                mine.append(
                    event(
                        kind: TrueEvent.borderCrossing, time: actorEvent.time, position: actorEvent.position, direction: "\(from)->\(to)",
                        km: km, zoneID: nil, severity: severity, silent: silent))
            }
            for visit in own {
                for start in judge.zoneEvents(visit, actor.objectClass, conf: actor.conf) {
                    let time = visit.enteredS + start.delay
                    mine.append(
                        event(
                            kind: start.kind, time: time, position: start.delay == 0 ? visit.entryPosition : trajectory.pathPoint(at: time),
                            zoneID: visit.zoneID, severity: start.severity,
                            silent: judge.suppresses(start.event, facts(at: time), actor.objectClass, conf: actor.conf)))
                }
            }
            truth += hideRepeats(mine)
        }
        return truth.sorted { $0.scenarioTime < $1.scenarioTime }
    }

    /// Marks as hidden every event of one actor that an earlier one of the same kind, or of a
    /// severity at least as high, already told (see ``TruthRules``).
    static func hideRepeats(_ events: [TrueEvent]) -> [TrueEvent] {
        let ordered = events.sorted { a, b in
            if a.scenarioTime != b.scenarioTime { return a.scenarioTime < b.scenarioTime }
            return (a.severity ?? .low) > (b.severity ?? .low)
        }
        var told: Set<String> = []
        var highest: Severity?
        return ordered.map { event in
            guard event.expectation != .silent else { return event }
            var event = event
            let outranked = event.severity.flatMap { severity in highest.map { severity <= $0 } } ?? false
            if told.contains(event.kind) || outranked { event.expectation = .hidden }
            told.insert(event.kind)
            if let severity = event.severity, highest.map({ severity > $0 }) ?? true { highest = severity }
            return event
        }
    }
}
