/// One real object as the engine believes it: the fusion of camera tracks that saw it.
struct Target {
    /// Serial number, unique in this engine's life.
    let serial: UInt64
    var position: GeoPoint
    /// The ``TargetGrid`` cell of `position`.
    var cell: Int64
    var firstTs: Int64
    var lastTs: Int64
    /// Confidence-weighted votes per ``ObjectClass`` (indexed like `ObjectClass.allCases`).
    var classVotes: (Double, Double, Double, Double) = (0, 0, 0, 0)
    var maxConf: Double = 0
    /// Camera indices, in order of first sight.
    var cameras: [Int32]
    /// The camera tracks feeding this target: camera index and the last event time seen.
    var tracks: [(camera: Int32, track: UInt32, lastTs: Int64)]
    /// Per border zone (same order as `ZoneSet.borderIndices`): the side the target was last
    /// clearly on, and where.
    var borderSides: [(side: LineSide, at: GeoPoint)?]
    /// The latest crossing: border number (index into `borderIndices`), direction.
    var crossing: (border: Int, from: LineSide, to: LineSide)?
    /// Zones the target is in: zone index → frames inside, event time of entry, and consecutive
    /// frames outside since (the exit hysteresis).
    var zoneStreaks: [Int: (frames: Int, since: Int64, misses: Int)] = [:]
    /// The incident this target belongs to (a key of the engine's open incidents).
    var incident: UInt64?
    /// Whether a suppressing rule has matched this target (counted once per target).
    var wasSuppressed = false
    /// Whether an inhibition has removed a matching rule for this target (counted once per target).
    var wasInhibited = false
    /// Where it is heading, for grouping.
    var motion = Motion()
    /// Event time of the last look for a group to join (at most once a second).
    var lastGroupCheckTs: Int64 = .min / 2

    /// The class with the most confidence-weighted votes; `unknown` only when nothing else was seen.
    var objectClass: ObjectClass {
        let (person, vehicle, animal, _) = classVotes
        let best = max(person, vehicle, animal)
        if best <= 0 { return .unknown }
        return best == person ? .person : (best == vehicle ? .vehicle : .animal)
    }

    mutating func vote(_ objectClass: ObjectClass, conf: Double) {
        let weight = max(conf, 0.01)
        switch objectClass {
        case .person: classVotes.0 += weight
        case .vehicle: classVotes.1 += weight
        case .animal: classVotes.2 += weight
        case .unknown: classVotes.3 += weight
        }
        maxConf = max(maxConf, conf)
    }

    /// Whether a detection of `objectClass` may belong to this target.
    func isCompatible(with objectClass: ObjectClass) -> Bool {
        let mine = self.objectClass
        return mine == objectClass || mine == .unknown || objectClass == .unknown
    }
}
