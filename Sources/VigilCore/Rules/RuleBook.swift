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
    var facts: [Fact] = []
    /// The alert rules that matched, with the fact each matched.
    var matches: [(rule: Int, fact: Int)] = []
    /// Whether the last evaluation dropped a rule by inhibition.
    var lastInhibited = false

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
}
