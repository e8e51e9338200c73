/// The rules as the engine evaluates them: compiled for the per-detection path, with the kinds
/// they name numbered for inhibition (`RuleBook+Evaluation.swift`), and explained for
/// `vigil rules test` (`RuleBook+Explanation.swift`).
///
/// Owns: the rules and what is compiled from them (tables, kinds, which kinds each inhibits), and
/// the scratch space of an evaluation, reused for every detection: the facts true of the target,
/// the alert rules that matched with the fact each matched, and whether the last evaluation
/// dropped a rule by inhibition.
struct RuleBook {
    /// The rules, in order.
    let rules: [Rule]
    /// The rules prepared for matching, and what they hold in arrays.
    let compiled: [CompiledRule]
    let tables: RuleTables
    /// The kinds the rules name, numbered; per kind number, the kinds it inhibits.
    let kinds: KindTable
    let kindInhibits: [[Int]]
    let hasInhibitions: Bool
    /// Whether any target rule suppresses.
    let hasSuppressions: Bool
    /// What the facts are made of: the zones and the transitions (for the names of a
    /// crossing's sides); the site's time zone, for schedules.
    let zones: ZoneSet, transitions: ZoneTransitions, siteTime: SiteTime

    /// What is true of the target being evaluated, highest zone priority first.
    private(set) var facts: [Fact] = []
    /// The alert rules that matched, with the fact each matched.
    private var matches: [(rule: Int, fact: Int)] = []
    /// Whether the last evaluation dropped a rule by inhibition.
    private(set) var lastInhibited = false

    init(_ rules: [Rule], cameras: CameraRegistry, transitions: ZoneTransitions, settings: EngineSettings, siteTime: SiteTime) {
        self.rules = rules
        self.transitions = transitions
        zones = transitions.zones
        self.siteTime = siteTime
        let kinds = KindTable(rules)
        self.kinds = kinds
        compiled = rules.map {
            CompiledRule($0, zones: transitions.zones.zones, kinds: kinds, defaultRepeatIntervalMs: settings.positionUpdateIntervalMs)
        }
        let tables = RuleTables(rules, cameras: cameras.cameras, kinds: kinds)
        self.tables = tables
        var inhibits = Array(repeating: [Int](), count: kinds.names.count)
        for (r, rule) in compiled.enumerated() where rule.kind >= 0 { inhibits[rule.kind].append(contentsOf: tables.inhibits[r]) }
        kindInhibits = inhibits
        hasInhibitions = compiled.contains(where: \.inhibitsAny)
        hasSuppressions = compiled.contains { $0.severity == nil && $0.isTargetRule }
        matches.reserveCapacity(16)
        facts.reserveCapacity(16)
    }

    /// Whether kind number `kind` is inhibited by an open incident of kind number `incidentKind`.
    func inhibits(_ incidentKind: Int, _ kind: Int) -> Bool {
        incidentKind >= 0 && kindInhibits[incidentKind].contains(kind)
    }

    /// `SY->IQ`: the crossing's sides by the names of the border zone `zone`.
    func directionName(_ crossing: AlertEngine.Crossing, zone: Int) -> String? {
        transitions.directionName(crossing, zone: zone)
    }

    // MARK: Evaluation

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
}
