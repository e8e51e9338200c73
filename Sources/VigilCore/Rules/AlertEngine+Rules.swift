extension AlertEngine {
    /// The outcome of evaluating the rules for a target.
    enum Verdict {
        /// No rule matched.
        case none
        /// A suppressing rule (an index into ``rules``) matched: no alert.
        case suppressed(rule: Int)
        /// The winning alert rule (an index into ``rules``), its severity for the group's size,
        /// the zone it matched and, for crossings, the sides.
        case alert(rule: Int, severity: Severity, zone: Int, crossing: Crossing?)
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
    /// precedence: a matching suppression silences the events it covers; inhibited kinds are
    /// out; else the highest severity, first listed on a tie).
    ///
    /// On the per-detection path: it fills reused buffers of facts and matches, and matches
    /// compiled rules with plain loops, so it allocates and retains nothing. The group's size is
    /// counted only when a matching rule asks for it.
    mutating func evaluate(_ target: borrowing Target) -> Verdict {
        evaluationInhibited = false
        collectFacts(target)
        guard !facts.isEmpty else { return .none }
        var count: Int?
        // The suppressions first, wherever they are listed: they decide which events are silent.
        var silenced: UInt8 = 0
        var suppressor: Int?
        if hasSuppressions {
            for r in compiledRules.indices where compiledRules[r].severity == nil {
                guard applies(r, to: target), firstFact(matching: r, anyEvent: true) != nil, fitsGroup(r, target, &count) else { continue }
                silenced |= compiledRules[r].eventMask
                suppressor = suppressor ?? r
            }
        }
        matches.removeAll(keepingCapacity: true)
        for r in compiledRules.indices where compiledRules[r].severity != nil {
            guard applies(r, to: target), let fact = firstFact(matching: r, silenced: silenced), fitsGroup(r, target, &count) else { continue }
            matches.append((r, fact))
        }
        guard !matches.isEmpty else { return suppressor.map { .suppressed(rule: $0) } ?? .none }
        guard !matches.isEmpty else { return .none }
        evaluationInhibited = hasInhibitions && dropInhibited(target)
        var best: (rule: Int, severity: Severity, fact: Int)?
        for (r, fact) in matches {
            var severity = compiledRules[r].severity!
            if compiledRules[r].escalates {
                let size = count ?? groupSize(of: target)
                count = size
                severity = rules[r].severity(count: size)!
            }
            if best == nil || severity > best!.severity { best = (r, severity, fact) }
        }
        guard let best else { return .none }
        return .alert(rule: best.rule, severity: best.severity, zone: facts[best.fact].zone, crossing: facts[best.fact].crossing)
    }

    /// Fills ``facts`` with what is true of `target`, highest zone priority first.
    mutating func collectFacts(_ target: borrowing Target) {
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
        guard facts.count > 1 else { return }
        // Highest zone priority first (ties: the zone listed first); a handful of facts, so an
        // insertion sort.
        for i in 1..<facts.count {
            var j = i
            while j > 0 && precedes(facts[j].zone, facts[j - 1].zone) {
                facts.swapAt(j, j - 1)
                j -= 1
            }
        }
    }

    /// Removes from ``matches`` the rules whose kind is inhibited: by a matching rule, or by the
    /// kind of the target's open incident. Returns whether it removed any.
    private mutating func dropInhibited(_ target: borrowing Target) -> Bool {
        var inhibited: UInt64 = 0
        if let key = target.incident, let incident = incidents[key], incident.kindNumber >= 0 {
            for kind in kindInhibits[incident.kindNumber] { inhibited |= 1 << UInt64(kind & 63) }
        }
        for (r, _) in matches where compiledRules[r].inhibitsAny {
            for kind in ruleTables.inhibits[r] { inhibited |= 1 << UInt64(kind & 63) }
        }
        guard inhibited != 0 else { return false }
        let before = matches.count
        matches.removeAll { match in
            let kind = compiledRules[match.rule].kind
            return kind >= 0 && inhibited & (1 << UInt64(kind & 63)) != 0
        }
        return matches.count < before
    }

    /// The size of `target`'s group: its incident's count, or itself and the targets moving with it.
    func groupSize(of target: borrowing Target) -> Int {
        if let key = target.incident, let incident = incidents[key] { return incident.count }
        return 1 + companions(of: target).count
    }

    @inline(__always)
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let pa = zones.zones[a].priority, pb = zones.zones[b].priority
        return pa != pb ? pa > pb : a < b
    }

    /// Whether rule `r`'s matchers of the target itself pass: a target rule, class and
    /// confidence, then cameras and schedule (a local time) only for rules that got that far.
    @inline(__always)
    private func applies(_ r: Int, to target: borrowing Target) -> Bool {
        let rule = compiledRules[r]
        return rule.isTargetRule && rule.matches(target.objectClass) && target.maxConf >= rule.minConf
            && (!rule.hasCameras || ruleTables.matches(r, cameras: target.cameras))
            && (!rule.hasSchedule || ruleTables.applies(r, at: target.lastTs, in: siteTime))
    }

    /// Whether the target's group is large enough for rule `r`; counts it once, into `count`.
    @inline(__always)
    private func fitsGroup(_ r: Int, _ target: borrowing Target, _ count: inout Int?) -> Bool {
        guard compiledRules[r].minCount > 1 else { return true }
        let size = count ?? groupSize(of: target)
        count = size
        return size >= compiledRules[r].minCount
    }

    /// The first fact (highest zone priority) rule `r` matches, leaving out the facts whose event
    /// a suppression silenced. With `anyEvent`, a fact of any event will do: a suppression says
    /// where the target is with its zone and what is silent there with its events (a crossing in
    /// a town is silenced by a town rule that names `cross`, though the crossing's fact is the
    /// border's).
    func firstFact(matching r: Int, silenced: UInt8 = 0, anyEvent: Bool = false) -> Int? {
        let rule = compiledRules[r]
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

    /// `SY->IQ`: the crossing's sides by the names of the border zone `zone`.
    func directionName(_ crossing: Crossing, zone: Int) -> String? {
        guard case .line(_, let names) = zones.zones[zone].shape else { return nil }
        return "\(names.name(of: crossing.from))->\(names.name(of: crossing.to))"
    }
}
