extension AlertEngine {
    /// The outcome of evaluating the rules for a target.
    enum Verdict {
        /// No rule matched.
        case none
        /// A suppressing rule matched: no alert.
        case suppressed
        /// The winning alert rule, the zone it matched and, for crossings, the direction.
        case alert(Rule, zone: Int, direction: String?)
    }

    /// One thing true of a target that a rule can match.
    private struct Fact {
        let event: RuleEvent
        let zone: Int
        let dwellSeconds: Double
        let direction: String?
    }

    /// Evaluates the rules in order against what is true of `target` now (see ``Rule`` for the
    /// precedence: any suppression wins; else the highest severity, first listed on a tie).
    func evaluate(_ target: Target) -> Verdict {
        var facts: [Fact] = []
        if let crossing = target.crossing {
            let zone = zones.borderIndices[crossing.border]
            if case .line(_, let names) = zones.zones[zone].shape {
                facts.append(Fact(event: .cross, zone: zone, dwellSeconds: 0, direction: "\(names.name(of: crossing.from))->\(names.name(of: crossing.to))"))
            }
        }
        for (zone, streak) in target.zoneStreaks where streak.frames >= zones.zones[zone].inertiaFrames ?? settings.zoneInertiaFrames {
            let seconds = Double(target.lastTs - streak.since) / 1_000
            facts.append(Fact(event: .enter, zone: zone, dwellSeconds: seconds, direction: nil))
            facts.append(Fact(event: .dwell, zone: zone, dwellSeconds: seconds, direction: nil))
            if let loitering = zones.zones[zone].loiteringSeconds, seconds > loitering {
                facts.append(Fact(event: .loiter, zone: zone, dwellSeconds: seconds, direction: nil))
            }
        }
        guard !facts.isEmpty else { return .none }
        facts.sort { zones.zones[$0.zone].priority != zones.zones[$1.zone].priority ? zones.zones[$0.zone].priority > zones.zones[$1.zone].priority : $0.zone < $1.zone }
        let objectClass = target.objectClass
        var best: (rule: Rule, severity: Severity, fact: Fact)?
        for rule in rules {
            if let classes = rule.classes, !classes.contains(objectClass) { continue }
            if target.maxConf < rule.minConf { continue }
            guard let fact = facts.first(where: { matches(rule, $0) }) else { continue }
            switch rule.action {
            case .suppress:
                return .suppressed
            case .alert(_, let severity):
                if best == nil || severity > best!.severity { best = (rule, severity, fact) }
            }
        }
        guard let best else { return .none }
        return .alert(best.rule, zone: best.fact.zone, direction: best.fact.direction)
    }

    private func matches(_ rule: Rule, _ fact: Fact) -> Bool {
        if let event = rule.event, event != fact.event { return false }
        let zone = zones.zones[fact.zone]
        if let id = rule.zoneID, id != zone.id { return false }
        if let kind = rule.zoneKind, kind != zone.kind { return false }
        if fact.event == .dwell && fact.dwellSeconds < rule.afterSeconds { return false }
        return true
    }
}
