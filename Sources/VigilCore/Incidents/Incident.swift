/// One incident: raised once, updated while it goes on, resolved once. Its subject is either
/// targets (a target or a group moving together: `AlertEngine+Incidents.swift`) or cameras (an
/// offline camera or several that fell silent together, a coverage gap:
/// `AlertEngine+Health.swift`).
///
/// Kind, severity, rule and zone say what the rules made of it; its cameras are every camera
/// involved, in order (for targets: every camera that saw a member, in order of first sight);
/// its position is the centre of its live members, of its cameras, or the middle of its gap.
struct Incident {
    let id: String
    /// What the rules made of it: the kind, its number in the engine's ``KindTable`` (for
    /// inhibition), the severity, the rule that set them (an index into the engine's rules), the zone.
    var kind: String, kindNumber: Int, severity: Severity, rule: Int, zone: Int
    /// The sector of the camera that first saw the incident's first target, or of its first camera.
    let sector: String
    /// The cameras involved, the event times of its first and latest sighting, where it is.
    var cameras: [Int32], firstTs: Int64, lastTs: Int64, position: GeoPoint
    /// What the incident is about.
    var subject: Subject

    /// What an incident is about.
    enum Subject {
        /// A target, or a group of targets moving together.
        case targets(TargetGroup)
        /// Cameras: offline ones (`stretch` nil), or those that would cover a gap in the border.
        case cameras(stretch: CoverageStretch?)
    }

    /// The targets of an incident about targets, and what it last told of them.
    struct TargetGroup {
        /// The latest crossing's sides, and their names (`SY->IQ`).
        var crossing: AlertEngine.Crossing?
        var direction: String?
        /// The class of the member last updated (members share a class).
        var objectClass: ObjectClass
        /// Every target involved, in order of joining: the `count`.
        var members: [UInt64]
        /// Members still alive and not split off.
        var live: Int
        var lastEmittedPosition: GeoPoint
        var lastEmittedTs: Int64
    }

    /// The group of an incident about targets; only such an incident has one.
    var group: TargetGroup {
        get {
            guard case .targets(let group) = subject else { preconditionFailure("incident \(id) is about cameras, not targets") }
            return group
        }
        set { subject = .targets(newValue) }
    }

    /// Whether the incident is about targets.
    var isAboutTargets: Bool {
        if case .targets = subject { return true }
        return false
    }

    /// The stretch of a coverage gap; `nil` for an offline incident or one about targets.
    var stretch: CoverageStretch? {
        if case .cameras(let stretch) = subject { return stretch }
        return nil
    }

    /// The incident's `count`: the targets it has involved, or its cameras.
    var count: Int {
        switch subject {
        case .targets(let group): group.members.count
        case .cameras: cameras.count
        }
    }
}
