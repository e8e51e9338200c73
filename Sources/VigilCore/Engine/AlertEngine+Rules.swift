extension AlertEngine {
    /// The outcome of evaluating the rules for a target.
    enum Verdict {
        /// No rule matched.
        case none
        /// A suppressing rule matched: no alert.
        case suppressed
        /// The winning alert rule (an index into ``rules``), the zone it matched and, for
        /// crossings, the sides.
        case alert(rule: Int, zone: Int, crossing: Crossing?)
    }

    /// The sides of a crossing.
    struct Crossing: Equatable {
        var from: LineSide
        var to: LineSide
    }

    /// One thing true of a target that a rule can match.
    struct Fact {
        var event: RuleEvent
        var zone: Int
        var dwellSeconds: Double
        var crossing: Crossing?
    }

    /// Evaluates the rules in order against what is true of `target` now (see ``Rule`` for the
    /// precedence: any suppression wins; else the highest severity, first listed on a tie).
    ///
    /// On the per-detection path: it fills a reused buffer of facts and matches compiled rules
    /// with plain loops, so it allocates and retains nothing.
    mutating func evaluate(_ target: borrowing Target) -> Verdict {
        facts.removeAll(keepingCapacity: true)
        if let crossing = target.crossing {
            facts.append(Fact(event: .cross, zone: zones.borderIndices[crossing.border], dwellSeconds: 0, crossing: Crossing(from: crossing.from, to: crossing.to)))
        }
        for (zone, streak) in target.zoneStreaks where streak.frames >= zones.zones[zone].inertiaFrames ?? settings.zoneInertiaFrames {
            let seconds = Double(target.lastTs - streak.since) / 1_000
            facts.append(Fact(event: .enter, zone: zone, dwellSeconds: seconds))
            facts.append(Fact(event: .dwell, zone: zone, dwellSeconds: seconds))
            if let loitering = zones.zones[zone].loiteringSeconds, seconds > loitering {
                facts.append(Fact(event: .loiter, zone: zone, dwellSeconds: seconds))
            }
        }
        guard !facts.isEmpty else { return .none }
        // Highest zone priority first (ties: the zone listed first); a handful of facts, so an
        // insertion sort.
        for i in 1..<facts.count {
            var j = i
            while j > 0 && precedes(facts[j].zone, facts[j - 1].zone) {
                facts.swapAt(j, j - 1)
                j -= 1
            }
        }
        let objectClass = target.objectClass, maxConf = target.maxConf
        var best: (rule: Int, severity: Severity, fact: Int)?
        for r in compiledRules.indices {
            guard compiledRules[r].matches(objectClass), maxConf >= compiledRules[r].minConf,
                let fact = firstFact(matching: r)
            else { continue }
            guard let severity = compiledRules[r].severity else { return .suppressed }
            if best == nil || severity > best!.severity { best = (r, severity, fact) }
        }
        guard let best else { return .none }
        return .alert(rule: best.rule, zone: facts[best.fact].zone, crossing: facts[best.fact].crossing)
    }

    @inline(__always)
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let pa = zones.zones[a].priority, pb = zones.zones[b].priority
        return pa != pb ? pa > pb : a < b
    }

    private func firstFact(matching r: Int) -> Int? {
        let rule = compiledRules[r]
        for i in facts.indices {
            let fact = facts[i]
            if let event = rule.event, event != fact.event { continue }
            if let zone = rule.zone, zone != fact.zone { continue }
            if let kind = rule.zoneKind, kind != zones.zones[fact.zone].kind { continue }
            if fact.event == .dwell && fact.dwellSeconds < rule.afterSeconds { continue }
            return i
        }
        return nil
    }

    /// `SY->IQ`: the crossing's sides by the names of the border zone `zone`.
    func directionName(_ crossing: Crossing, zone: Int) -> String? {
        guard case .line(_, let names) = zones.zones[zone].shape else { return nil }
        return "\(names.name(of: crossing.from))->\(names.name(of: crossing.to))"
    }
}
