/// Why the rules did or did not alert for a target, rule by rule.
extension RuleBook {
    /// Explains `target`, of a group of `size`, in `incident` if it is in one; mutating only
    /// because it fills the scratch list of facts (the engine's entry points work on a copy).
    mutating func explain(_ target: Target, size: Int, incident: Incident?, cameras: CameraRegistry) -> RuleExplanation {
        collectFacts(target)
        let facts = self.facts
        let objectClass = target.objectClass
        let local = siteTime.local(target.lastTs)
        let clock = "\(local.minute / 60 < 10 ? "0" : "")\(local.minute / 60):\(local.minute % 60 < 10 ? "0" : "")\(local.minute % 60)"
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        var outcomes: [RuleExplanation.Outcome] = []
        var matched: [(rule: Int, fact: Fact)] = []
        /// Why rule `r`'s matchers of the target itself fail, if they do.
        func failure(_ r: Int) -> String? {
            let rule = rules[r], compiled = compiled[r]
            if !compiled.isTargetRule { return "a camera rule (\(rule.events!.map(\.rawValue).joined(separator: ", ")))" }
            if !compiled.matches(objectClass) {
                return "class \(objectClass.rawValue) is not one of \(rule.classes!.map(\.rawValue).sorted().joined(separator: ", "))"
            }
            if target.maxConf < compiled.minConf { return "best confidence \(Self.hundredths(target.maxConf)) is below min_conf \(compiled.minConf)" }
            if !tables.matches(r, cameras: target.cameras) {
                return "seen by \(target.cameras.map { cameras[Int($0)].id }.joined(separator: ", ")); none starts with \(rule.cameras!.joined(separator: " or "))"
            }
            if !tables.applies(r, at: target.lastTs, in: siteTime) { return "outside its schedule: \(clock) \(days[local.weekday]) in \(siteTime.name)" }
            if size < compiled.minCount, firstFact(matching: r) != nil { return "a group of \(size) is below min_count \(compiled.minCount)" }
            return nil
        }
        // The suppressions first, as evaluate takes them: they silence the events they cover.
        var silenced: UInt8 = 0
        var suppressedBy: String?
        for r in rules.indices where compiled[r].severity == nil && failure(r) == nil && firstFact(matching: r, anyEvent: true) != nil {
            silenced |= compiled[r].eventMask
            suppressedBy = suppressedBy ?? rules[r].name
        }
        for (r, rule) in rules.enumerated() {
            let compiled = compiled[r]
            func fail(_ reason: String) { outcomes.append(.init(rule: rule.name, matched: false, reason: reason)) }
            if let reason = failure(r) {
                fail(reason)
                continue
            }
            let suppresses = compiled.severity == nil
            guard let fact = suppresses ? firstFact(matching: r, anyEvent: true) : firstFact(matching: r, silenced: silenced) else {
                if firstFact(matching: r) != nil {
                    fail("what it matches (\(Self.events(of: rule))) is silenced by \(suppressedBy ?? "a suppression")")
                    continue
                }
                var wanted = "event \(Self.events(of: rule))"
                if let zone = rule.zoneID { wanted += " in zone \(zone)" }
                if let kind = rule.zoneKind { wanted += " in a \(kind.rawValue) zone" }
                if rule.covers(.dwell) && rule.afterSeconds > 0 { wanted += " (dwell for \(Self.rounded(rule.afterSeconds)) s)" }
                fail("no fact is \(wanted)")
                continue
            }
            let what = describe(facts[fact])
            if suppresses {
                outcomes.append(.init(rule: rule.name, matched: true, reason: "\(what): silences \(Self.events(of: rule))"))
                continue
            }
            let severity = rule.severity(count: size)!
            outcomes.append(.init(rule: rule.name, matched: true, reason: "\(what): \(rule.kind!) \(severity.rawValue)\(severity != compiled.severity ? " (escalated for \(size))" : "")"))
            matched.append((r, facts[fact]))
        }
        var verdict: String
        if matched.isEmpty, let suppressedBy {
            verdict = "suppressed by \(suppressedBy)"
        } else {
            // Inhibition, as evaluate does it: by the matching rules and the open incident's kind.
            var inhibited = Set(matched.flatMap { tables.inhibits[$0.rule] })
            if let incident, incident.kindNumber >= 0 {
                inhibited.formUnion(kindInhibits[incident.kindNumber])
            }
            var best: (rule: Int, severity: Severity)?
            for (r, _) in matched {
                let kind = rules[r].kind!
                if inhibited.contains(compiled[r].kind) {
                    if let i = outcomes.firstIndex(where: { $0.rule == rules[r].name }) { outcomes[i].reason += ", but \(kind) is inhibited" }
                    continue
                }
                let severity = rules[r].severity(count: size)!
                if best == nil || severity > best!.severity { best = (r, severity) }
            }
            verdict = best.map { "alert by \(rules[$0.rule].name): \(rules[$0.rule].kind!) \($0.severity.rawValue)" } ?? "no rule alerts"
        }
        if let incident {
            verdict += "; in incident \(incident.id) (\(incident.kind) \(incident.severity.rawValue), count \(incident.count))"
        }
        let cameraNames = target.cameras.map { cameras[Int($0)].id }.joined(separator: ", ")
        return RuleExplanation(
            ts: target.lastTs,
            target: "\(objectClass.rawValue), best confidence \(Self.hundredths(target.maxConf)), group of \(size), seen by \(cameraNames), at \(clock) \(days[local.weekday]) \(siteTime.name)",
            facts: facts.map(describe), outcomes: outcomes, verdict: verdict)
    }

    private func describe(_ fact: Fact) -> String {
        let zone = zones.zones[fact.zone].id
        switch fact.event {
        case .cross: return "cross \(zone)\(fact.crossing.flatMap { transitions.directionName($0, zone: fact.zone) }.map { " " + $0 } ?? "")"
        case .enter: return "enter \(zone)"
        case .dwell, .loiter: return "\(fact.event.rawValue) \(zone) \(Self.rounded(fact.dwellSeconds)) s"
        case .cameraOffline, .coverageGap: return fact.event.rawValue
        }
    }

    /// The events rule `rule` covers, as a list: `cross`, `enter, dwell, loiter`.
    static func events(of rule: Rule) -> String {
        RuleEvent.allCases.filter { rule.covers($0) }.map(\.rawValue).joined(separator: ", ")
    }

    private static func hundredths(_ value: Double) -> String {
        String((value * 100).rounded() / 100)
    }

    private static func rounded(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
