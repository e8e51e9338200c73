import VigilCore

/// How a trial's intruders move.
public enum TrialMode: String, Sendable, CaseIterable, Hashable {
    /// People crawling, about 0.3 m/s.
    case crawl
    /// People walking, 1.0 to 1.8 m/s.
    case walk
    /// People running, 2.5 to 5 m/s.
    case run
    /// Vehicles, 5 to 30 m/s.
    case vehicle
}

/// Whether a trial crosses square to the line or at a slant.
public enum TrialAngle: String, Sendable, CaseIterable, Hashable {
    /// Along the line's normal (within 3°).
    case square
    /// 30° to 55° off the normal.
    case slant
}

/// Where along the covered border a trial crosses, in terms of the cameras that see it.
public enum TrialPlacement: String, Sendable, CaseIterable, Hashable {
    /// Within 10 m of where one camera's view of the line ends (the edge of its field of view),
    /// inside another's.
    case fovEdge = "fov-edge"
    /// Where exactly two cameras see the line, away from their edges.
    case overlap2 = "overlap-2"
    /// Where three cameras see the line, away from their edges.
    case overlap3 = "overlap-3"
    /// Where the nearest camera that sees the line is farthest (the top fifth of the covered
    /// line), with the low confidence of a target far out in a camera's range.
    case farRange = "far-range"
}

/// Whether a trial crosses inside a town zone that sits on the line.
public enum TrialTerrain: String, Sendable, CaseIterable, Hashable {
    /// Open desert (no town zone at the crossing point).
    case open
    /// Inside a town zone (Rabia, Al-Yarubiyah, Al-Qaim, Husaybah).
    case town
}

/// Whether a trial happens by day or at night, in the site's local time.
public enum TrialLight: String, Sendable, CaseIterable, Hashable {
    /// Local 09:00 onwards (the default rules' day is 06:00 to 18:00).
    case day
    /// Local 21:00 onwards (night is 18:00 to 06:00).
    case night
}

/// The gateway fault a trial's cameras suffer (``Faults``).
public enum TrialFault: String, Sendable, CaseIterable, Hashable {
    /// A clean feed.
    case none
    /// 10 % to 30 % of frames sent twice.
    case duplicates
    /// Frames held 200 to 2,000 ms, so they arrive out of order.
    case reorder
    /// 5 % to 25 % of frames lost.
    case drops
    /// One of the trial's cameras, or all of them, 0.5 to 4 s ahead or behind.
    case clockSkew = "clock-skew"
    /// Trackers losing each object about every 3 to 15 s and picking it up under a new id.
    case trackSwitch = "track-switch"
    /// All of the above at once, at moderate levels.
    case all
}

/// One randomised detection trial: one crossing of the covered border, by one intruder or a
/// group, with everything that decides how hard it is to see, and the seed that makes it.
///
/// A trial is fully determined by the run's seed and its index (``TrialGenerator``): the same
/// pair gives the same crossing, the same frames and the same ground truth, alone or among
/// others (`vigil-sim trials --seed S --only K`).
public struct TrialSpec: Sendable, Equatable {
    /// The trial's index in its run, from 0.
    public var index: Int
    /// The run's seed.
    public var runSeed: UInt64
    /// The trial's own seed, derived from ``runSeed`` and ``index``: it seeds the scenario (noise,
    /// formation, faults).
    public var seed: UInt64
    /// How the intruders move.
    public var mode: TrialMode
    /// Members moving together: 1, or a group of 2 to 8.
    public var members: Int
    /// Distance between neighbouring members of a group, metres.
    public var spreadM: Double
    /// Square or slant.
    public var angle: TrialAngle
    /// Degrees off the line's normal (signed: positive turns towards increasing km).
    public var slantDeg: Double
    /// Where it crosses in terms of cameras: the class asked for, and the point's true class.
    public var placement: TrialPlacement
    /// Town or open desert.
    public var terrain: TrialTerrain
    /// The town zone the crossing point lies in, for town trials.
    public var townID: String?
    /// Day or night (local time of the site).
    public var light: TrialLight
    /// The gateway fault.
    public var fault: TrialFault
    /// The faults as the simulator applies them.
    public var faults: Faults
    /// Side names: where it comes from and goes to (`SY`, `IQ`).
    public var from: String
    /// The side it goes to.
    public var to: String
    /// Km along the border of the chosen crossing point.
    public var km: Double
    /// The crossing point on the line.
    public var crossing: GeoPoint
    /// Metres from the line, perpendicular, where the path starts and where it ends.
    public var beforeM: Double
    /// Metres past the line, perpendicular, where the path ends.
    public var afterM: Double
    /// Where the path (the group's centre) starts and ends.
    public var start: GeoPoint
    /// Where the path ends.
    public var end: GeoPoint
    /// Ground speed, m/s.
    public var speedMps: Double
    /// Classifier confidence (jittered ±0.05 per frame by the camera model).
    public var conf: Double
    /// Apparent temperature, °C.
    public var tempC: Double
    /// Ids of the cameras that see some member somewhere on the path, in registration order:
    /// the cameras the trial drives.
    public var cameras: [String]
    /// How many cameras see the crossing point.
    public var camerasAtCrossing: Int
    /// Distance from the crossing point to the nearest camera that sees it, metres.
    public var nearestCameraM: Double

    /// Creates a trial (``TrialGenerator`` makes them).
    public init(
        index: Int, runSeed: UInt64, seed: UInt64, mode: TrialMode, members: Int, spreadM: Double, angle: TrialAngle, slantDeg: Double,
        placement: TrialPlacement, terrain: TrialTerrain, townID: String?, light: TrialLight, fault: TrialFault, faults: Faults,
        from: String, to: String, km: Double, crossing: GeoPoint, beforeM: Double, afterM: Double, start: GeoPoint, end: GeoPoint,
        speedMps: Double, conf: Double, tempC: Double, cameras: [String], camerasAtCrossing: Int, nearestCameraM: Double
    ) {
        self.index = index
        self.runSeed = runSeed
        self.seed = seed
        self.mode = mode
        self.members = members
        self.spreadM = spreadM
        self.angle = angle
        self.slantDeg = slantDeg
        self.placement = placement
        self.terrain = terrain
        self.townID = townID
        self.light = light
        self.fault = fault
        self.faults = faults
        self.from = from
        self.to = to
        self.km = km
        self.crossing = crossing
        self.beforeM = beforeM
        self.afterM = afterM
        self.start = start
        self.end = end
        self.speedMps = speedMps
        self.conf = conf
        self.tempC = tempC
        self.cameras = cameras
        self.camerasAtCrossing = camerasAtCrossing
        self.nearestCameraM = nearestCameraM
    }

    /// Seconds into the trial at which the intruders appear.
    public static let appearS = 1.0
    /// Seconds of heartbeats from the trial's cameras after the intruders are gone.
    public static let tailS = 2.0

    /// The actor's id in the trial's scenario and in the ground truth: `t17`.
    public var actorID: String { "t\(index)" }

    /// What the cameras' classifier reports.
    public var objectClass: ObjectClass { mode == .vehicle ? .vehicle : .person }

    /// The direction as alerts name it: `SY->IQ`.
    public var direction: String { "\(from)->\(to)" }

    /// The intruders as a scenario actor: the path from ``start`` to ``end``.
    public var actor: ActorSpec {
        ActorSpec(
            id: actorID, objectClass: objectClass, count: members, spreadM: spreadM, speedMps: speedMps, startS: Self.appearS, conf: conf,
            tempC: tempC, path: .waypoints([start, end]))
    }

    /// The trial as a scenario: its actor, its seed, its faults, every camera reporting (give the
    /// ``Simulator`` a world holding only ``cameras``: see ``world(in:)``).
    public var scenario: Scenario {
        Scenario(
            name: "trial-\(index)", description: summary, fps: Scenario.defaultFPS, noiseM: Scenario.defaultNoiseM, tailS: Self.tailS,
            seed: seed, actors: [actor], faults: faults)
    }

    /// `world` with only this trial's cameras.
    public func world(in world: SimulationWorld) -> SimulationWorld {
        var own = world
        own.cameras = world.cameras.filter { cameras.contains($0.id) }
        return own
    }

    /// The group as people read it: `3 × person 5 m apart` or `1 vehicle`.
    public var who: String {
        members == 1 ? "1 \(objectClass.rawValue)" : "\(members) × \(objectClass.rawValue) \(Format.fixed(spreadM, 0)) m apart"
    }

    /// One line for people: `t17: 3 × person 5 m apart walking 1.4 m/s SY->IQ at km 553.21, slant 41°, overlap-2 (2 cameras, nearest 1,250 m),
    /// town-rabia, night, faults: drops (drop 12 %)`.
    public var summary: String {
        let angleText = angle == .square ? "square" : "slant \(Format.fixed(abs(slantDeg), 0))°"
        let place = terrain == .town ? (townID ?? "town") : "open"
        let moving = [TrialMode.crawl: "crawling", .walk: "walking", .run: "running", .vehicle: "driving"][mode] ?? mode.rawValue
        return "\(actorID): \(who) \(moving) \(Format.fixed(speedMps, 1)) m/s \(direction) at km \(Format.fixed(km, 2)), \(angleText), "
            + "\(placement.rawValue) (\(camerasAtCrossing) cameras, nearest \(Format.fixed(nearestCameraM, 0)) m), conf \(Format.fixed(conf, 2)), "
            + "\(place), \(light.rawValue), faults: \(fault == .none ? "none" : "\(fault.rawValue) (\(faultDetail))")"
    }

    /// The faults' levels: `drop 12 %, skew cam-rabia-17 -2300 ms`; `none` for a clean feed.
    public var faultDetail: String {
        var parts: [String] = []
        if faults.duplicate > 0 { parts.append("duplicate \(Format.fixed(faults.duplicate * 100, 0)) %") }
        if faults.reorderMs > 0 { parts.append("reorder \(Format.fixed(faults.reorderMs, 0)) ms") }
        if faults.drop > 0 { parts.append("drop \(Format.fixed(faults.drop * 100, 0)) %") }
        for (prefix, ms) in faults.clockSkewMs.sorted(by: { $0.key < $1.key }) {
            parts.append("skew \(prefix.isEmpty ? "all cameras" : prefix) \(ms > 0 ? "+" : "")\(ms) ms")
        }
        if faults.trackSwitchS > 0 { parts.append("track switch every \(Format.fixed(faults.trackSwitchS, 1)) s") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// The command line that plays this trial alone.
    public var replay: String { "vigil-sim trials --seed \(runSeed) --only \(index)" }
}
