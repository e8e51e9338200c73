#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

/// Why trials cannot be made or played: no border, nothing covered, a run too long for its
/// time of day.
public struct TrialError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// The covered border, sampled for trials: every ``stepM`` metres of every stretch the
/// configured cameras cover (``BorderCoverage``, what `vigil coverage` shows), at least
/// ``marginM`` from the stretch's ends, with the cameras that see each point, how far the point
/// is from the nearest end of one camera's view (the edge of its field of view), how far from
/// the nearest camera that sees it, and the town zone it lies in.
struct TrialCatalogue: Sendable {
    /// One sample of the covered line.
    struct Point: Sendable {
        /// Km along the border.
        var km: Double
        /// The point of the line.
        var position: GeoPoint
        /// Indices (in the world's cameras) of the cameras that see it.
        var cameras: [Int]
        /// Metres along the line to the nearest end of one camera's view, ends of a covered
        /// stretch excepted.
        var edgeM: Double
        /// Metres to the nearest camera that sees it.
        var nearestCameraM: Double
        /// The town zone the point lies in, if any.
        var townID: String?
    }

    /// Metres between samples.
    static let stepM = 10.0
    /// Metres kept clear of a covered stretch's ends: every trial path must stay in view.
    static let marginM = 400.0
    /// A point this close to a camera's edge (metres) is at the edge of its field of view.
    static let fovEdgeM = 10.0
    /// Overlap points keep at least this far from every edge (metres).
    static let overlapClearM = 20.0
    /// Far-range points: the nearest camera that sees them is farther than for this fraction of
    /// the terrain's points.
    static let farQuantile = 0.8

    /// The samples, ascending by km.
    let points: [Point]
    /// The samples of each terrain and placement class (indices into ``points``).
    let pools: [TrialTerrain: [TrialPlacement: [Int]]]
    /// The far-range threshold of each terrain, metres.
    let farThresholdM: [TrialTerrain: Double]

    init(world: SimulationWorld, border: BorderLine, zones: ZoneSet) throws(TrialError) {
        guard let borderIndex = zones.zones.firstIndex(where: { $0.id == border.zoneID }) else {
            throw TrialError("the border zone \(border.zoneID) is not among the zones")
        }
        let coverage = BorderCoverage(cameras: world.cameras, zones: zones.zones)
        let stretches = coverage.covered { _ in true }.filter { $0.border == borderIndex }
        let intervals = world.cameras.indices.map { camera in coverage.intervals(camera: camera).filter { $0.border == borderIndex } }
        // Ends of one camera's view that lie inside a covered stretch: where that camera's
        // field of view meets the line while others still see it.
        var edges: [Double] = []
        for interval in intervals.joined() {
            for end in [interval.fromKm, interval.toKm]
            where stretches.contains(where: { end > $0.fromKm + 0.001 && end < $0.toKm - 0.001 }) {
                edges.append(end)
            }
        }
        edges.sort()
        var points: [Point] = []
        for stretch in stretches {
            let from = stretch.fromKm * 1_000 + Self.marginM, to = stretch.toKm * 1_000 - Self.marginM
            guard from < to else { continue }
            var metres = from
            while metres <= to {
                let km = metres / 1_000
                let position = border.line.point(along: metres)
                let seeing = world.cameras.indices.filter { camera in
                    intervals[camera].contains { $0.fromKm - 1e-9 <= km && km <= $0.toKm + 1e-9 }
                }
                let nearest = seeing.map { world.cameras[$0].position.distance(to: position) }.min() ?? .infinity
                let town = zones.zonesContaining(position).first { zones.zones[$0].kind == .town }.map { zones.zones[$0].id }
                points.append(
                    Point(km: km, position: position, cameras: seeing, edgeM: Self.nearestGap(edges, km) * 1_000, nearestCameraM: nearest, townID: town))
                metres += Self.stepM
            }
        }
        guard !points.isEmpty else { throw TrialError("no camera covers the border \(border.zoneID): nothing to cross in view") }
        self.points = points
        var pools: [TrialTerrain: [TrialPlacement: [Int]]] = [:]
        var thresholds: [TrialTerrain: Double] = [:]
        for terrain in TrialTerrain.allCases {
            let mine = points.indices.filter { (points[$0].townID != nil) == (terrain == .town) }
            guard !mine.isEmpty else { continue }
            let distances = mine.map { points[$0].nearestCameraM }.sorted()
            let threshold = distances[min(distances.count - 1, Int(Double(distances.count) * Self.farQuantile))]
            thresholds[terrain] = threshold
            var byPlacement: [TrialPlacement: [Int]] = [:]
            for placement in TrialPlacement.allCases {
                byPlacement[placement] = mine.filter { index in
                    let point = points[index]
                    switch placement {
                    case .fovEdge: return point.edgeM <= Self.fovEdgeM && !point.cameras.isEmpty
                    case .overlap2: return point.cameras.count == 2 && point.edgeM >= Self.overlapClearM
                    case .overlap3: return point.cameras.count >= 3 && point.edgeM >= Self.overlapClearM
                    case .farRange: return point.nearestCameraM >= threshold
                    }
                }
            }
            pools[terrain] = byPlacement
        }
        self.pools = pools
        farThresholdM = thresholds
    }

    /// The point of `pool` (indices ascending by km) nearest `km`. Drawing `km` uniformly along
    /// the covered border and taking the nearest point of a class spreads a class's trials along
    /// the whole border, even where its points bunch up (three cameras overlap widely on a bend).
    func nearest(in pool: [Int], toKm km: Double) -> Int {
        var low = 0, high = pool.count
        while low < high {
            let middle = (low + high) / 2
            if points[pool[middle]].km < km { low = middle + 1 } else { high = middle }
        }
        if low == pool.count { return pool[pool.count - 1] }
        if low == 0 { return pool[0] }
        return km - points[pool[low - 1]].km <= points[pool[low]].km - km ? pool[low - 1] : pool[low]
    }

    /// The distance from `km` to the nearest of the ascending `values` (infinity when empty).
    static func nearestGap(_ values: [Double], _ km: Double) -> Double {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < km { low = middle + 1 } else { high = middle }
        }
        var best = Double.infinity
        if low < values.count { best = min(best, abs(values[low] - km)) }
        if low > 0 { best = min(best, abs(values[low - 1] - km)) }
        return best
    }
}

/// Makes randomised detection trials on the covered border (see ``TrialSpec``).
///
/// **Classes.** Each trial draws one value of each dimension: mode (crawl, walk, run, vehicle),
/// single or group, square or slant, placement (``TrialPlacement``), town or open (an eighth in
/// towns), day or night, the gateway fault (``TrialFault``) and the direction. The draws are
/// stratified: for each dimension with `n` values (town or open counts as 8: one town, seven
/// open), trials `b·n ..< (b+1)·n` take every value once, in an order shuffled from the run's
/// seed, the dimension and `b`. So trials 0 to 7 hold every mode, placement, time of day,
/// direction and a town, trials 0 to 6 every fault, and so on block after block; the shuffles
/// are independent, so the dimensions mix.
///
/// **The rest** comes from the trial's own seed (``trialSeed(runSeed:index:)``): speed (crawl
/// 0.25–0.35 m/s, walk 1.0–1.8, run 2.5–5, vehicles 5–30), group size (2 to 8) and spacing
/// (people 3–8 m, vehicles 6–10 m: with the formation's nudges, neighbours stay within 16 m,
/// inside the daemon's 25 m group radius with room for the 3 m geolocation noise), slant (30° to
/// 55° either way), the confidence (0.80–0.95; far-range 0.55–0.62, still above the rules'
/// `min_conf` 0.5), the fault's level, the crossing point (a point of its class: for open trials the one nearest a km drawn
/// uniformly along the covered border, for town trials any),
/// and how far before and after the line the path runs (perpendicular: crawl 45–60 m each side,
/// walk 80–150, run 120–250, vehicles 200–400).
///
/// **Honest trials.** A trial is kept only if it can and should be detected: its path (every
/// member, sampled every 2 m or less) is in view of some camera from start to end, touches no
/// mask zone, and crosses the line exactly once; otherwise another point of the class is drawn.
/// The trial drives exactly the cameras that see some member somewhere on its path.
public struct TrialGenerator: Sendable {
    /// The world trials are made in.
    public let world: SimulationWorld
    /// Its border.
    public let border: BorderLine
    let zones: ZoneSet
    let catalogue: TrialCatalogue

    /// Prepares the covered border of `world`; fails when the world has no border, no zones or
    /// no camera covering the line.
    public init(world: SimulationWorld) throws(TrialError) {
        guard let border = world.border else { throw TrialError("the zones define no border line to cross") }
        guard let zones = world.zones else { throw TrialError("trials need the zones") }
        self.world = world
        self.border = border
        self.zones = zones
        catalogue = try TrialCatalogue(world: world, border: border, zones: zones)
    }

    /// The seed of trial `index` of a run seeded `runSeed` (SplitMix64 of the two).
    public static func trialSeed(runSeed: UInt64, index: Int) -> UInt64 {
        var z = runSeed ^ 0x7472_6961_6C73_2D31
        z &+= (UInt64(truncatingIfNeeded: index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Trials `0..<count` of a run seeded `runSeed`.
    public func trials(runSeed: UInt64, count: Int) -> [TrialSpec] {
        (0..<count).map { trial(runSeed: runSeed, index: $0) }
    }

    /// The stratified value (0..<count) of dimension `dimension` for trial `index`.
    static func stratum(runSeed: UInt64, index: Int, dimension: UInt64, count: Int) -> Int {
        let block = UInt64(index / count), position = index % count
        var random = RandomSource(seed: runSeed, stream: (dimension << 40) ^ block ^ 0x5354_5241_0000_0000)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(random.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return order[position]
    }

    /// Trial `index` of a run seeded `runSeed`.
    public func trial(runSeed: UInt64, index: Int) -> TrialSpec {
        func pick<T: CaseIterable>(_ dimension: UInt64, _: T.Type) -> T where T.AllCases == [T] {
            T.allCases[Self.stratum(runSeed: runSeed, index: index, dimension: dimension, count: T.allCases.count)]
        }
        let seed = Self.trialSeed(runSeed: runSeed, index: index)
        let mode = pick(1, TrialMode.self)
        let grouped = Self.stratum(runSeed: runSeed, index: index, dimension: 2, count: 2) == 1
        let angle = pick(3, TrialAngle.self)
        let placement = pick(4, TrialPlacement.self)
        let terrain: TrialTerrain = Self.stratum(runSeed: runSeed, index: index, dimension: 5, count: 8) == 0 ? .town : .open
        let light = pick(6, TrialLight.self)
        let fault = pick(7, TrialFault.self)
        let forward = Self.stratum(runSeed: runSeed, index: index, dimension: 8, count: 2) == 0

        var random = RandomSource(seed: seed, stream: 0x5452_4941_4C00_0001)
        func uniform(_ range: ClosedRange<Double>) -> Double { range.lowerBound + random.unit() * (range.upperBound - range.lowerBound) }
        let members = grouped ? 2 + Int(random.next() % 7) : 1
        let speed: Double
        let side: ClosedRange<Double>
        switch mode {
        case .crawl: (speed, side) = (uniform(0.25...0.35), 45...60)
        case .walk: (speed, side) = (uniform(1.0...1.8), 80...150)
        case .run: (speed, side) = (uniform(2.5...5.0), 120...250)
        case .vehicle: (speed, side) = (uniform(5...30), 200...400)
        }
        let spread = mode == .vehicle ? uniform(6...10) : uniform(3...8)
        let conf = placement == .farRange ? uniform(0.55...0.62) : uniform(0.80...0.95)
        let temp = mode == .vehicle ? uniform(45...80) : uniform(33...37)
        let slantSign: Double = random.next() & 1 == 0 ? 1 : -1
        let slant = angle == .square ? random.symmetric(3) : slantSign * uniform(30...55)
        let before = uniform(side), after = uniform(side)
        let (from, to) = forward ? (border.sides.left, border.sides.right) : (border.sides.right, border.sides.left)

        let pools = catalogue.pools[terrain] ?? catalogue.pools[.open] ?? [:]
        let candidates: [[Int]] = [
            pools[placement] ?? [], Array(Set(pools.values.joined())).sorted(), Array(catalogue.points.indices),
        ]
        for pool in candidates where !pool.isEmpty {
            for _ in 0..<200 {
                // Open trials spread along the whole covered border; town points are few and close together.
                let drawn = Int(random.next() % UInt64(terrain == .town ? pool.count : catalogue.points.count))
                let point = catalogue.points[terrain == .town ? pool[drawn] : catalogue.nearest(in: pool, toKm: catalogue.points[drawn].km)]
                var spec = TrialSpec(
                    index: index, runSeed: runSeed, seed: seed, mode: mode, members: members, spreadM: spread, angle: angle, slantDeg: slant,
                    placement: placement, terrain: terrain, townID: point.townID, light: light, fault: fault, faults: .none, from: from,
                    to: to, km: point.km, crossing: point.position, beforeM: before, afterM: after, start: point.position,
                    end: point.position, speedMps: speed, conf: conf, tempC: temp, cameras: [], camerasAtCrossing: point.cameras.count,
                    nearestCameraM: point.nearestCameraM)
                (spec.start, spec.end) = path(at: point.km, forward: forward, slantDeg: slant, beforeM: before, afterM: after)
                guard let cameras = camerasSeeingAll(spec) else { continue }
                spec.cameras = cameras
                spec.faults = faults(fault, cameras: cameras, random: &random)
                return spec
            }
        }
        preconditionFailure("no trial path in view anywhere on the covered border")
    }

    /// The path's start and end: through the line's point at `km`, `slantDeg` off its normal,
    /// from `beforeM` metres (perpendicular) on the side it comes from to `afterM` on the other.
    func path(at km: Double, forward: Bool, slantDeg: Double, beforeM: Double, afterM: Double) -> (GeoPoint, GeoPoint) {
        let crossing = border.line.point(along: km * 1_000)
        let d = border.line.direction(along: km * 1_000)
        let left = Vector2(x: -d.y, y: d.x)
        let towardsStart = forward ? left : left * -1
        let theta = slantDeg * .pi / 180
        // The direction of travel: away from the start side, turned by the slant along the line.
        let travel = towardsStart * -cos(theta) + d * sin(theta)
        let plane = LocalPlane(origin: crossing)
        return (plane.unproject(travel * (-beforeM / cos(theta))), plane.unproject(travel * (afterM / cos(theta))))
    }

    /// The cameras (ids, registration order) that see `spec`'s members along its path, or `nil`
    /// when some member is out of every camera's view at some point, a member enters a mask, or
    /// the path does not cross the line exactly once.
    func camerasSeeingAll(_ spec: TrialSpec) -> [String]? {
        let actor = spec.actor
        let trajectory = Trajectory(actor: actor, border: border, seed: spec.seed, actorIndex: 0)
        let crossings = trajectory.events(of: actor, border: border).filter {
            if case .crossed = $0.kind { return true } else { return false }
        }
        guard crossings.count == 1 else { return nil }
        let reach = trajectory.length / 2 + 100
        let near = world.cameras.indices.filter { world.cameras[$0].position.distance(to: spec.crossing) <= world.cameras[$0].rangeM + reach }
        var seen = Set<Int>()
        let samples = max(2, Int((trajectory.length / 2).rounded(.up)))
        let span = trajectory.arrivalS - trajectory.startS
        for i in 0...samples {
            // The last sample just before arrival: at arrival the actor is gone.
            let t = trajectory.startS + span * min(Double(i) / Double(samples), 1 - 1e-9)
            guard let state = trajectory.state(at: t) else { return nil }
            for offset in trajectory.memberOffsets {
                let point = trajectory.geoPoint(state.position + offset)
                if zones.isMasked(point) { return nil }
                var any = false
                for camera in near where world.cameras[camera].sees(point) {
                    seen.insert(camera)
                    any = true
                }
                if !any { return nil }
            }
        }
        return seen.sorted().map { world.cameras[$0].id }
    }

    /// The simulator's faults for `fault`, drawn from `random`; a clock skew hits one of
    /// `cameras` or all of them.
    func faults(_ fault: TrialFault, cameras: [String], random: inout RandomSource) -> Faults {
        func uniform(_ range: ClosedRange<Double>) -> Double { range.lowerBound + random.unit() * (range.upperBound - range.lowerBound) }
        func skew(_ magnitude: ClosedRange<Double>) -> [String: Int] {
            let ms = Int(uniform(magnitude).rounded()) * (random.next() & 1 == 0 ? 1 : -1)
            let one = random.next() & 1 == 0
            // An empty prefix matches every camera; the trial drives only its own.
            return [one ? cameras[Int(random.next() % UInt64(cameras.count))] : "": ms]
        }
        switch fault {
        case .none: return .none
        case .duplicates: return Faults(duplicate: uniform(0.1...0.3))
        case .reorder: return Faults(reorderMs: uniform(200...Faults.maxReorderMs).rounded())
        case .drops: return Faults(drop: uniform(0.05...0.25))
        case .clockSkew: return Faults(clockSkewMs: skew(500...Double(Faults.maxSkewMs)))
        case .trackSwitch: return Faults(trackSwitchS: uniform(3...15))
        case .all:
            return Faults(
                duplicate: uniform(0.1...0.2), reorderMs: uniform(200...1_000).rounded(), drop: uniform(0.05...0.15),
                clockSkewMs: skew(500...2_000), trackSwitchS: uniform(5...15))
        }
    }
}
