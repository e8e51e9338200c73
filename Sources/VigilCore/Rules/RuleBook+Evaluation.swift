/// What the rules' evaluation is made of (``RuleBook/evaluate(_:incidents:tracker:)``): verdicts and
/// facts, the matchers of a rule against a target and its facts; and the winning health rule
/// for a camera event.
extension RuleBook {
    /// The outcome of evaluating the rules for a target.
    enum Verdict {
        /// No rule matched.
        case none
        /// A suppressing rule (an index into ``rules``) matched: no alert.
        case suppressed(rule: Int)
        /// The winning alert rule (an index into ``rules``), its severity for the group's size,
        /// the zone it matched and, for crossings, the sides.
        case alert(rule: Int, severity: Severity, zone: Int, crossing: AlertEngine.Crossing?)
    }

    /// One thing true of a target that a rule can match.
    struct Fact {
        var event: RuleEvent
        var zone: Int
        var dwellSeconds: Double
        var crossing: AlertEngine.Crossing?
    }

    @inline(__always)
    func precedes(_ a: Int, _ b: Int) -> Bool {
        let pa = zones.zones[a].priority, pb = zones.zones[b].priority
        return pa != pb ? pa > pb : a < b
    }

    /// Whether rule `r`'s matchers of the target itself pass: a target rule, class and
    /// confidence, then cameras and schedule (a local time) only for rules that got that far.
    @inline(__always)
    func applies(_ r: Int, to target: borrowing Target) -> Bool {
        let rule = compiled[r]
        return rule.isTargetRule && rule.matches(target.objectClass) && target.maxConf >= rule.minConf
            && (!rule.hasCameras || tables.matches(r, cameras: target.cameras))
            && (!rule.hasSchedule || tables.applies(r, at: target.lastTs, in: siteTime))
    }

    /// Whether the target's group is large enough for rule `r`; counts it once, into `count`.
    @inline(__always)
    func fitsGroup(
        _ r: Int, _ target: borrowing Target, _ count: inout Int?, _ incidents: borrowing IncidentBook, _ tracker: borrowing Tracker
    ) -> Bool {
        guard compiled[r].minCount > 1 else { return true }
        let size = count ?? tracker.groupSize(of: target, incidents: incidents)
        count = size
        return size >= compiled[r].minCount
    }

    /// The first fact (highest zone priority) rule `r` matches, leaving out the facts whose event
    /// a suppression silenced. With `anyEvent`, a fact of any event will do: a suppression says
    /// where the target is with its zone and what is silent there with its events (a crossing in
    /// a town is silenced by a town rule that names `cross`, though the crossing's fact is the
    /// border's).
    func firstFact(matching r: Int, silenced: UInt8 = 0, anyEvent: Bool = false) -> Int? {
        let rule = compiled[r]
        for i in facts.indices {
            let fact = facts[i]
            if !(anyEvent || rule.covers(fact.event)) || silenced & fact.event.bit != 0 { continue }
            if let zone = rule.zone, zone != fact.zone { continue }
            if let kind = rule.zoneKind, kind != zones.zones[fact.zone].kind { continue }
            if fact.event == .dwell && fact.dwellSeconds < rule.afterSeconds { continue }
            return i
        }
        return nil
    }

    /// The winning health rule for a camera event and its severity; `nil` when no alert rule
    /// matches or a suppressing one does.
    func healthRule(_ event: RuleEvent, cameras eventCameras: [Int32], zone: Int, ts: Int64, counters: inout EngineStats) -> (Int, Severity)? {
        var best: (rule: Int, severity: Severity)?
        for r in compiled.indices {
            let rule = compiled[r]
            guard rule.covers(event), tables.matches(r, cameras: eventCameras), tables.applies(r, at: ts, in: siteTime) else { continue }
            if let id = rule.zone, id != zone { continue }
            if let kind = rule.zoneKind, kind != zones.zones[zone].kind { continue }
            guard let severity = rule.severity else {
                counters.suppressed += 1
                return nil
            }
            if best == nil || severity > best!.severity { best = (r, severity) }
        }
        return best.map { ($0.rule, $0.severity) }
    }
}
