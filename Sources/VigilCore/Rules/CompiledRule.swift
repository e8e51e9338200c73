/// A ``Rule`` prepared for the per-detection path: zone ids resolved to indices, classes to a
/// bit mask, camera prefixes to a per-camera table and kinds to numbers, so matching touches no
/// reference-counted value.
struct CompiledRule {
    /// Why a compiled rule can never match: it names a zone that does not exist.
    static let noZone = -2

    /// Bit ``RuleEvent/bit`` set: the rule covers that event (``Rule/covers(_:)``).
    let eventMask: UInt8
    /// Index of the zone the rule names; `nil`: any; ``noZone``: a zone not in the set.
    let zone: Int?
    let zoneKind: ZoneKind?
    /// Bit `i` set: matches `ObjectClass.allCases[i]`.
    let classMask: UInt8
    let minConf: Double
    let afterSeconds: Double
    let minCount: Int
    /// Whether the rule names camera prefixes (see ``RuleTables/cameraMasks``) or a schedule
    /// (``RuleTables/schedules``): the per-detection loop reads only flags and numbers here and
    /// goes to the tables, which hold arrays, only for the rules that need them.
    let hasCameras: Bool
    let hasSchedule: Bool
    /// `nil` for a suppressing rule.
    let severity: Severity?
    let escalates: Bool
    /// The number of the rule's kind (see ``KindTable``); -1 for a suppressing rule.
    let kind: Int
    /// Whether the rule inhibits any kind (``RuleTables/inhibits``).
    let inhibitsAny: Bool
    /// Position-only updates of the rule's incidents at most this often, event time.
    let repeatIntervalMs: Int64

    init(_ rule: Rule, zones: [Zone], kinds: KindTable, defaultRepeatIntervalMs: Int64) {
        eventMask = RuleEvent.allCases.reduce(0) { rule.covers($1) ? $0 | $1.bit : $0 }
        zone = rule.zoneID.map { id in zones.firstIndex { $0.id == id } ?? Self.noZone }
        zoneKind = rule.zoneKind
        var mask: UInt8 = 0
        for objectClass in ObjectClass.allCases where rule.classes?.contains(objectClass) ?? true {
            mask |= 1 << UInt8(objectClass.bit)
        }
        classMask = mask
        minConf = rule.minConf
        afterSeconds = rule.afterSeconds
        minCount = rule.minCount
        hasCameras = rule.cameras != nil
        hasSchedule = rule.schedule != nil
        severity = rule.severity(count: 1)
        escalates = !rule.escalations.isEmpty
        kind = rule.kind.map { kinds.number(of: $0) } ?? -1
        inhibitsAny = !rule.inhibits.isEmpty
        repeatIntervalMs = rule.repeatIntervalSeconds.map { Int64($0 * 1_000) } ?? defaultRepeatIntervalMs
    }

    /// Whether the rule concerns targets (not camera health).
    var isTargetRule: Bool { eventMask & Self.targetEvents != 0 }

    /// Whether the rule covers `event`.
    @inline(__always)
    func covers(_ event: RuleEvent) -> Bool { eventMask & event.bit != 0 }

    static let targetEvents = RuleEvent.allCases.reduce(UInt8(0)) { $1.isHealth ? $0 : $0 | $1.bit }

    @inline(__always)
    func matches(_ objectClass: ObjectClass) -> Bool {
        classMask & (1 << UInt8(objectClass.bit)) != 0
    }
}

/// What rules hold in arrays, kept apart from ``CompiledRule`` so that the per-detection loop
/// over compiled rules touches no reference-counted value.
struct RuleTables {
    /// Per rule, per camera index, whether the rule's camera prefixes match it (empty: any).
    let cameraMasks: [[Bool]]
    /// Per rule, its schedule.
    let schedules: [Schedule?]
    /// Per rule, the numbers of the kinds it inhibits.
    let inhibits: [[Int]]

    init(_ rules: [Rule], cameras: [Camera], kinds: KindTable) {
        cameraMasks = rules.map { rule in
            rule.cameras.map { prefixes in cameras.map { camera in prefixes.contains { camera.id.hasPrefix($0) } } } ?? []
        }
        schedules = rules.map(\.schedule)
        inhibits = rules.map { $0.inhibits.map { kinds.number(of: $0) } }
    }

    /// Whether one of `cameras` (indices) passes rule `r`'s camera prefixes.
    func matches(_ r: Int, cameras: [Int32]) -> Bool {
        cameraMasks[r].isEmpty || cameras.contains { cameraMasks[r][Int($0)] }
    }

    /// Whether rule `r`'s schedule applies at `ms`.
    func applies(_ r: Int, at ms: Int64, in time: SiteTime) -> Bool {
        schedules[r]?.contains(ms, in: time) ?? true
    }
}

/// Numbers for the kinds the rules name, so inhibition compares integers.
struct KindTable {
    private(set) var names: [String] = []
    private var numbers: [String: Int] = [:]

    init(_ rules: [Rule]) {
        for rule in rules {
            for name in [rule.kind].compactMap({ $0 }) + rule.inhibits where numbers[name] == nil {
                numbers[name] = names.count
                names.append(name)
            }
        }
    }

    func number(of name: String) -> Int { numbers[name] ?? -1 }
}

extension ObjectClass {
    /// The class's place in `allCases`, for bit masks.
    @inline(__always)
    var bit: Int {
        switch self {
        case .person: 0
        case .vehicle: 1
        case .animal: 2
        case .unknown: 3
        }
    }
}
