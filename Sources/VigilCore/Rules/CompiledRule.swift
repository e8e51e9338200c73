/// A ``Rule`` prepared for the per-detection path: zone ids resolved to indices and classes to a
/// bit mask, so matching touches no reference-counted value.
struct CompiledRule {
    /// Why a compiled rule can never match: it names a zone that does not exist.
    static let noZone = -2

    let event: RuleEvent?
    /// Index of the zone the rule names; `nil`: any; ``noZone``: a zone not in the set.
    let zone: Int?
    let zoneKind: ZoneKind?
    /// Bit `i` set: matches `ObjectClass.allCases[i]`.
    let classMask: UInt8
    let minConf: Double
    let afterSeconds: Double
    /// `nil` for a suppressing rule.
    let severity: Severity?

    init(_ rule: Rule, zones: [Zone]) {
        event = rule.event
        zone = rule.zoneID.map { id in zones.firstIndex { $0.id == id } ?? Self.noZone }
        zoneKind = rule.zoneKind
        var mask: UInt8 = 0
        for (i, objectClass) in ObjectClass.allCases.enumerated() where rule.classes?.contains(objectClass) ?? true {
            mask |= 1 << UInt8(i)
        }
        classMask = mask
        minConf = rule.minConf
        afterSeconds = rule.afterSeconds
        if case .alert(_, let severity) = rule.action { self.severity = severity } else { severity = nil }
    }

    @inline(__always)
    func matches(_ objectClass: ObjectClass) -> Bool {
        classMask & (1 << UInt8(objectClass.bit)) != 0
    }
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
