/// Evaluating the rules for a target, and the winning health rule for a camera event.
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

    /// Evaluates the rules in order against what is true of `target` now (see ``Rule`` for the
    /// precedence: a matching suppression silences the events it covers; inhibited kinds are
    /// out; else the highest severity, first listed on a tie).
    ///
    /// On the per-detection path: it fills reused buffers of facts and matches, and matches
    /// compiled rules with plain loops, so it allocates and retains nothing. The group's size is
    /// counted only when a matching rule asks for it (``Tracker/groupSize(of:incidents:)``).
    mutating func evaluate(_ target: borrowing Target, incidents: borrowing IncidentBook, tracker: borrowing Tracker) -> Verdict {
        lastInhibited = false
        collectFacts(target)
        guard !facts.isEmpty else { return .none }
        var count: Int?
        // The suppressions first, wherever they are listed: they decide which events are silent.
        var silenced: UInt8 = 0
        var suppressor: Int?
        if hasSuppressions {
            for r in compiled.indices where compiled[r].severity == nil {
                guard applies(r, to: target), firstFact(matching: r, anyEvent: true) != nil, fitsGroup(r, target, &count, incidents, tracker) else { continue }
                silenced |= compiled[r].eventMask
                suppressor = suppressor ?? r
            }
        }
        matches.removeAll(keepingCapacity: true)
        for r in compiled.indices where compiled[r].severity != nil {
            guard applies(r, to: target), let fact = firstFact(matching: r, silenced: silenced), fitsGroup(r, target, &count, incidents, tracker) else { continue }
            matches.append((r, fact))
        }
        guard !matches.isEmpty else { return suppressor.map { .suppressed(rule: $0) } ?? .none }
        guard !matches.isEmpty else { return .none }
        lastInhibited = hasInhibitions && dropInhibited(target, incidents)
        var best: (rule: Int, severity: Severity, fact: Int)?
        for (r, fact) in matches {
            var severity = compiled[r].severity!
            if compiled[r].escalates {
                let size = count ?? tracker.groupSize(of: target, incidents: incidents)
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
            facts.append(
                Fact(
                    event: .cross, zone: zones.borderIndices[crossing.border], dwellSeconds: 0,
                    crossing: AlertEngine.Crossing(from: crossing.from, to: crossing.to)))
        }
        for (zone, streak) in target.zoneStreaks where streak.frames >= zones.zones[zone].inertiaFrames ?? transitions.zoneInertiaFrames {
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
    private mutating func dropInhibited(_ target: borrowing Target, _ incidents: borrowing IncidentBook) -> Bool {
        var inhibited: UInt64 = 0
        if let key = target.incident, let incident = incidents[key], incident.kindNumber >= 0 {
            for kind in kindInhibits[incident.kindNumber] { inhibited |= 1 << UInt64(kind & 63) }
        }
        for (r, _) in matches where compiled[r].inhibitsAny {
            for kind in tables.inhibits[r] { inhibited |= 1 << UInt64(kind & 63) }
        }
        guard inhibited != 0 else { return false }
        let before = matches.count
        matches.removeAll { match in
            let kind = compiled[match.rule].kind
            return kind >= 0 && inhibited & (1 << UInt64(kind & 63)) != 0
        }
        return matches.count < before
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
        let rule = compiled[r]
        return rule.isTargetRule && rule.matches(target.objectClass) && target.maxConf >= rule.minConf
            && (!rule.hasCameras || tables.matches(r, cameras: target.cameras))
            && (!rule.hasSchedule || tables.applies(r, at: target.lastTs, in: siteTime))
    }

    /// Whether the target's group is large enough for rule `r`; counts it once, into `count`.
    @inline(__always)
    private func fitsGroup(
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
