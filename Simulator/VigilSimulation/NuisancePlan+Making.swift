#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

extension NuisancePlan {
    /// Plans `options.days` days of nuisance on `world`'s stretches, from `originMs` (a local
    /// midnight, ``origin(nowMs:days:siteTime:)``), with local time in `siteTime`.
    ///
    /// Deterministic: each stretch, day and kind of activity draws from its own random stream of
    /// the seed, so the same options and origin give the same plan, and covering another stretch
    /// changes nothing on this one.
    public static func make(world: SimulationWorld, options: NuisanceOptions, siteTime: SiteTime, originMs: Int64) throws(NuisanceError)
        -> NuisancePlan
    {
        guard (1...360).contains(options.days) else { throw NuisanceError("days must be from 1 to 360 (the daemon takes a backlog of up to a year)") }
        guard options.fps > 0, options.fps <= 100 else { throw NuisanceError("fps must be more than 0 and at most 100") }
        guard options.heartbeatS >= 1 / options.fps, options.heartbeatS <= 25, options.idleHeartbeatS >= 1 / options.fps,
            options.idleHeartbeatS <= 600
        else { throw NuisanceError("heartbeat-s must be from one frame interval to 25 s, idle-heartbeat-s to 600 s") }
        guard let border = world.border, let zones = world.zones else { throw NuisanceError("the configuration has no border line or no zones") }
        var planner = Planner(world: world, border: border, zones: zones, options: options, siteTime: siteTime, originMs: originMs)
        let stretches = try planner.stretches()
        for stretch in stretches {
            for day in 0..<options.days { planner.plan(stretch, day: day) }
        }
        let sorted = planner.activities.sorted { ($0.actor.startS, $0.actor.id) < ($1.actor.startS, $1.actor.id) }
        let trajectories = sorted.map { Trajectory(actor: $0.actor, border: border, seed: $0.formationSeed, actorIndex: 0) }
        let lastEnd = trajectories.map(\.endS).max() ?? 0
        return NuisancePlan(
            options: options, originMs: originMs, stretches: stretches, activities: sorted, trajectories: trajectories,
            reboots: planner.reboots(stretches), notes: planner.notes, durationS: max(Double(options.days) * 86_400, lastEnd + 120))
    }
}

/// Builds a ``NuisancePlan``.
private struct Planner {
    let world: SimulationWorld
    let border: BorderLine
    let zones: ZoneSet
    let options: NuisanceOptions
    let siteTime: SiteTime
    let originMs: Int64
    var activities: [NuisanceActivity] = []
    var notes: [String] = []
    /// Per stretch: the masks its cameras see (zone index, the sources' points and how far they may wander).
    var masks: [String: [(zone: Int, sources: [(point: GeoPoint, reachM: Double)])]] = [:]
    /// Per stretch: the towns in view (zone index, its side of the line).
    var towns: [String: [(zone: Int, side: String)]] = [:]
    /// The patrol road, when the configuration has it.
    var road: Polyline?
    /// The local day window people are about in towns: minutes since local midnight.
    var townDay: (from: Double, to: Double) = (7 * 60, 17 * 60)

    init(world: SimulationWorld, border: BorderLine, zones: ZoneSet, options: NuisanceOptions, siteTime: SiteTime, originMs: Int64) {
        self.world = world
        self.border = border
        self.zones = zones
        self.options = options
        self.siteTime = siteTime
        self.originMs = originMs
        if let zone = zones.zone(id: options.patrolZone), case .band(let line, _, _) = zone.shape {
            road = line
        } else {
            notes.append("no band zone \(options.patrolZone): patrols drive 250 m inside the cameras' side of the line")
        }
        // People are about by day: inside the window of the rules' suppression of people in
        // towns (an hour inside either end), else 07:00-17:00.
        let townRule = world.rules.first { rule in
            rule.action == .suppress && rule.zoneKind == .town && (rule.classes?.contains(.person) ?? true) && rule.covers(.dwell)
        }
        if let window = townRule?.schedule?.windows.first, window.to > window.from + 180 {
            townDay = (Double(window.from + 60), Double(window.to - 60))
        } else if townRule == nil {
            notes.append("no rule suppresses people in towns: town life (07:00-17:00) may alert")
        }
    }

    // MARK: Stretches

    /// The covered stretches, with the masks and towns their cameras see.
    mutating func stretches() throws(NuisanceError) -> [NuisanceStretch] {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (index, camera) in world.cameras.enumerated() {
            let name = NuisancePlan.stretchName(of: camera.id)
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(index)
        }
        if !options.stretches.isEmpty {
            for name in options.stretches where members[name] == nil {
                throw NuisanceError("no stretch \"\(name)\"; the cameras' stretches are \(order.joined(separator: ", "))")
            }
            order = order.filter { options.stretches.contains($0) }
        }
        var result: [NuisanceStretch] = []
        for name in order {
            let cameras = members[name]!
            let kms = cameras.compactMap { border.locate(world.cameras[$0].position)?.km }
            guard let low = kms.min(), let high = kms.max() else {
                notes.append("stretch \(name): its cameras are not within 10 km of the line; left out")
                continue
            }
            var seen: Set<String> = [border.zoneID]
            for index in cameras {
                let camera = world.cameras[index]
                let plane = LocalPlane(origin: camera.position)
                for r in stride(from: 100.0, through: camera.rangeM, by: 200) {
                    for offset in stride(from: -camera.fovDeg / 2, through: camera.fovDeg / 2, by: 5) {
                        let bearing = (camera.headingDeg + offset) * .pi / 180
                        let point = plane.unproject(Vector2(x: r * sin(bearing), y: r * cos(bearing)))
                        for zone in zones.zonesContaining(point) { seen.insert(zones.zones[zone].id) }
                    }
                }
            }
            findMasks(name, cameras)
            findTowns(name, cameras)
            for mask in masks[name] ?? [] { seen.insert(zones.zones[mask.zone].id) }
            result.append(
                NuisanceStretch(
                    name: name, cameras: cameras, cameraIDs: cameras.map { world.cameras[$0].id }, kmRange: low...high, zones: seen.sorted()))
        }
        guard !result.isEmpty else { throw NuisanceError("no stretch to cover") }
        return result
    }

    /// The masks the stretch's cameras see, each with its sources: the centre of a disc, the
    /// centre of each ring of a polygon, and how far a flare may wander from it and stay inside
    /// (the noise's 5 σ and a group's spread to spare).
    mutating func findMasks(_ stretch: String, _ cameras: [Int]) {
        var found: [(zone: Int, sources: [(point: GeoPoint, reachM: Double)])] = []
        for index in zones.maskIndices {
            let zone = zones.zones[index]
            var centres: [GeoPoint] = []
            switch zone.shape {
            case .circle(let center, _): centres = [center]
            case .polygon(let polygon):
                centres = polygon.rings.map { ring in
                    let points = ring.first == ring.last ? Array(ring.dropLast()) : ring
                    return GeoPoint(
                        lat: points.map(\.lat).reduce(0, +) / Double(points.count), lon: points.map(\.lon).reduce(0, +) / Double(points.count))
                }
            default: continue
            }
            var sources: [(point: GeoPoint, reachM: Double)] = []
            for centre in centres where cameras.contains(where: { world.cameras[$0].sees(centre) }) {
                let plane = LocalPlane(origin: centre)
                let margin = 5 * options.noiseM + 4
                var reach = -1.0
                for r in stride(from: 0.0, through: 40, by: 1) {
                    let inside = (0..<24).allSatisfy { k in
                        let angle = Double(k) * .pi / 12
                        return ZoneSet.contains(zone.shape, plane.unproject(Vector2(x: (r + margin) * cos(angle), y: (r + margin) * sin(angle))))
                    }
                    if !inside { break }
                    reach = r
                }
                if reach >= 0 { sources.append((centre, min(reach, 8))) }
            }
            if !sources.isEmpty { found.append((index, sources)) }
        }
        masks[stretch] = found
    }

    /// The towns with room for walks in the stretch's cameras' view.
    mutating func findTowns(_ stretch: String, _ cameras: [Int]) {
        var found: [(zone: Int, side: String)] = []
        for (index, zone) in zones.zones.enumerated() where zone.kind == .town {
            guard case .circle(let center, _) = zone.shape, let side = border.locate(center)?.side else { continue }
            var random = RandomSource(seed: options.seed, stream: CameraModel.stream(of: zone.id))
            let inView = (0..<200).contains { _ in
                guard let point = townPoint(zone, side: side, random: &random) else { return false }
                return cameras.contains { world.cameras[$0].sees(point) }
            }
            if inView { found.append((index, side)) }
        }
        towns[stretch] = found
    }

    // MARK: Days

    /// Simulated second of local midnight starting day `day`.
    func midnight(_ day: Int) -> Double {
        let t = Double(day) * 86_400
        let shift = siteTime.offsetSeconds(at: originMs) - siteTime.offsetSeconds(at: originMs + Int64(t * 1_000))
        return t + Double(shift)
    }

    /// A random second of day `day` between local hours `from` and `to` (which may pass 24).
    func at(_ day: Int, hours from: Double, _ to: Double, _ random: inout RandomSource) -> Double {
        midnight(day) + random.uniform(from, to) * 3_600
    }

    /// Every activity of one stretch on one day.
    mutating func plan(_ stretch: NuisanceStretch, day: Int) {
        func stream(_ kind: NuisanceKind) -> RandomSource {
            RandomSource(
                seed: options.seed,
                stream: CameraModel.stream(of: stretch.name) &+ UInt64(day) &* 0x1_0000 &+ UInt64(NuisanceKind.allCases.firstIndex(of: kind)!))
        }
        var random = stream(.herdCrossing)
        for herd in 0..<options.rates.herds { herdCrossings(stretch, day, herd, &random) }
        random = stream(.grazing)
        for flock in 0..<options.rates.grazing { grazing(stretch, day, flock, &random) }
        random = stream(.heatSource)
        for source in 0..<options.rates.heatSources { heatSource(stretch, day, source, &random) }
        random = stream(.maskedFlare)
        for mask in masks[stretch.name] ?? [] {
            for flare in 0..<options.rates.flaresPerMask { maskedFlare(stretch, day, mask, flare, &random) }
        }
        random = stream(.patrol)
        for patrol in 0..<options.rates.patrols { self.patrol(stretch, day, patrol, &random) }
        random = stream(.townLife)
        for town in towns[stretch.name] ?? [] {
            for walk in 0..<options.rates.townWalks { townWalk(stretch, day, town, walk, &random) }
        }
    }

    /// Adds an activity (unless its kind is left out; the draws are made all the same, so the
    /// other kinds do not change).
    mutating func add(_ kind: NuisanceKind, _ stretch: NuisanceStretch, _ day: Int, _ actor: ActorSpec, jitter: NuisanceJitter? = nil,
        unknownRate: Double = 0, random: inout RandomSource)
    {
        let formationSeed = random.next()
        guard options.kinds.isEmpty || options.kinds.contains(kind) else { return }
        activities.append(
            NuisanceActivity(
                kind: kind, stretch: stretch.name, day: day, actor: actor, jitter: jitter, unknownRate: unknownRate, formationSeed: formationSeed))
    }

    /// A km of the stretch well inside its cameras' view.
    func km(_ stretch: NuisanceStretch, _ random: inout RandomSource) -> Double {
        random.uniform(stretch.kmRange.lowerBound + 0.8, stretch.kmRange.upperBound - 0.8)
    }

    func id(_ stretch: NuisanceStretch, _ day: Int, _ what: String) -> String {
        "d\(day < 10 ? "0" : "")\(day)-\(stretch.name)-\(what)"
    }

    // MARK: Activities

    /// A herd crosses to graze in the morning and comes back in the afternoon, near the same place.
    mutating func herdCrossings(_ stretch: NuisanceStretch, _ day: Int, _ herd: Int, _ random: inout RandomSource) {
        let (a, b) = random.chance(0.5) ? (border.sides.left, border.sides.right) : (border.sides.right, border.sides.left)
        let km = self.km(stretch, &random)
        let count = random.integer(8, 30), spread = random.uniform(3, 5), speed = random.uniform(0.5, 0.9)
        let conf = random.uniform(0.7, 0.9)
        for (leg, from, to, hours) in [(0, a, b, (6.0, 10.0)), (1, b, a, (15.0, 18.5))] {
            let path = BorderCrossingPath(
                km: min(max(km + random.uniform(-0.5, 0.5), stretch.kmRange.lowerBound + 0.5), stretch.kmRange.upperBound - 0.5), from: from,
                to: to, beforeM: random.uniform(150, 400), afterM: random.uniform(150, 400))
            let actor = ActorSpec(
                id: id(stretch, day, "herd\(herd)-\(leg == 0 ? "out" : "back")"), objectClass: .animal, count: count, spreadM: spread,
                speedMps: speed, startS: at(day, hours: hours.0, hours.1, &random), conf: conf, path: .cross(path))
            add(.herdCrossing, stretch, day, actor, unknownRate: options.rates.animalUnknownRate, random: &random)
        }
    }

    /// A flock grazes along the line, zigzagging across it.
    mutating func grazing(_ stretch: NuisanceStretch, _ day: Int, _ flock: Int, _ random: inout RandomSource) {
        var km = self.km(stretch, &random)
        let direction = random.chance(0.5) ? 1.0 : -1.0
        var side = random.chance(0.5)
        var waypoints: [BorderWaypoint] = []
        for _ in 0..<random.integer(6, 12) {
            waypoints.append(BorderWaypoint(km: km, side: side ? border.sides.left : border.sides.right, offsetM: random.uniform(10, 80)))
            side.toggle()
            km = min(max(km + direction * random.uniform(0.03, 0.1), stretch.kmRange.lowerBound + 0.5), stretch.kmRange.upperBound - 0.5)
        }
        let actor = ActorSpec(
            id: id(stretch, day, "grazing\(flock)"), objectClass: .animal, count: random.integer(3, 10), spreadM: random.uniform(3, 6),
            speedMps: random.uniform(0.25, 0.4), startS: at(day, hours: 6, 17, &random), conf: random.uniform(0.6, 0.9), path: .border(waypoints))
        add(.grazing, stretch, day, actor, unknownRate: options.rates.animalUnknownRate, random: &random)
    }

    /// A heat source standing on the line through the evening, its reported position wandering
    /// a few metres either side.
    mutating func heatSource(_ stretch: NuisanceStretch, _ day: Int, _ source: Int, _ random: inout RandomSource) {
        var km = self.km(stretch, &random)
        for _ in 0..<20 where zones.isMasked(border.point(km: km, side: .left, offsetM: 0)) { km = self.km(stretch, &random) }
        let waypoint = BorderWaypoint(km: km, side: random.chance(0.5) ? border.sides.left : border.sides.right, offsetM: random.uniform(0, 2))
        let actor = ActorSpec(
            id: id(stretch, day, "heat\(source)"), objectClass: .unknown, speedMps: 1, startS: at(day, hours: 16, 26, &random),
            dwellS: random.uniform(20, 60) * 60, conf: random.uniform(0.55, 0.7), tempC: (random.uniform(28, 40) * 10).rounded() / 10,
            path: .border([waypoint]))
        add(.heatSource, stretch, day, actor, jitter: NuisanceJitter(amplitudeM: random.uniform(2, 4), random: &random), random: &random)
    }

    /// A masked heat source flares up: one to three hot objects at one of its sources.
    mutating func maskedFlare(
        _ stretch: NuisanceStretch, _ day: Int, _ mask: (zone: Int, sources: [(point: GeoPoint, reachM: Double)]), _ flare: Int,
        _ random: inout RandomSource
    ) {
        let source = mask.sources[random.integer(0, mask.sources.count - 1)]
        let classes: [ObjectClass] = [.unknown, .person, .vehicle]
        let count = source.reachM >= 4 ? random.integer(1, 3) : 1
        let actor = ActorSpec(
            id: id(stretch, day, "\(zones.zones[mask.zone].id)-\(flare)"), objectClass: classes[random.integer(0, 2)], count: count,
            spreadM: 3, speedMps: 1, startS: at(day, hours: 0, 24, &random), dwellS: random.uniform(10, 30) * 60,
            conf: random.uniform(0.5, 0.8), tempC: (random.uniform(60, 400)).rounded(), path: .waypoints([source.point]))
        let reach = max(source.reachM - (count > 1 ? 3 : 0), 0)
        add(.maskedFlare, stretch, day, actor, jitter: NuisanceJitter(amplitudeM: reach / 1.5, random: &random), random: &random)
    }

    /// A border-guard vehicle drives the patrol road from beyond one end of the stretch to a
    /// turning point, stops there, and drives back: two legs.
    mutating func patrol(_ stretch: NuisanceStretch, _ day: Int, _ patrol: Int, _ random: inout RandomSource) {
        let low = stretch.kmRange.lowerBound, high = stretch.kmRange.upperBound
        let fromLow = random.chance(0.5)
        let start = fromLow ? low - 1.5 : high + 1.5
        let turnFraction = random.uniform(0.15, 0.75)
        let turn = fromLow ? low + (high - low) * turnFraction : high - (high - low) * turnFraction
        let out = roadPath(fromKm: start, toKm: turn, stretch)
        let speed = random.uniform(8, 14), stop = random.uniform(2, 10) * 60
        let hours = patrol % 2 == 0 ? (6.0, 16.0) : (18.0, 28.0)
        let startS = at(day, hours: hours.0, hours.1, &random)
        let conf = random.uniform(0.8, 0.95)
        let outbound = ActorSpec(
            id: id(stretch, day, "patrol\(patrol)-out"), objectClass: .vehicle, speedMps: speed, startS: startS, dwellS: stop, conf: conf,
            path: .waypoints(out))
        let length = Trajectory.pathLength(of: outbound.path, border: border)
        let back = ActorSpec(
            id: id(stretch, day, "patrol\(patrol)-back"), objectClass: .vehicle, speedMps: speed, startS: startS + length / speed + stop,
            conf: conf, path: .waypoints(out.reversed()))
        add(.patrol, stretch, day, outbound, random: &random)
        add(.patrol, stretch, day, back, random: &random)
    }

    /// Points along the patrol road from the point nearest km `a` of the line to the one nearest km `b`.
    func roadPath(fromKm a: Double, toKm b: Double, _ stretch: NuisanceStretch) -> [GeoPoint] {
        let clampedA = min(max(a, 0), border.lengthKm), clampedB = min(max(b, 0), border.lengthKm)
        guard let road,
            let alongA = road.proximity(of: border.point(km: clampedA, side: .left, offsetM: 0))?.along,
            let alongB = road.proximity(of: border.point(km: clampedB, side: .left, offsetM: 0))?.along
        else {
            // No road: 250 m inside the cameras' side, every 100 m.
            let side = world.cameras[stretch.cameras[0]].position
            let cameraSide = border.locate(side).flatMap { border.side(named: $0.side) } ?? .right
            let steps = max(1, Int((abs(clampedB - clampedA) / 0.1).rounded(.up)))
            return (0...steps).map { border.point(km: clampedA + (clampedB - clampedA) * Double($0) / Double(steps), side: cameraSide, offsetM: 250) }
        }
        var points = [road.point(along: alongA)]
        let inner = road.cumulative.indices.filter { road.cumulative[$0] > min(alongA, alongB) && road.cumulative[$0] < max(alongA, alongB) }
        points += (alongA < alongB ? inner : inner.reversed()).map { road.points[$0] }
        points.append(road.point(along: alongB))
        return points
    }

    /// People walk about a town by day, on its own side of the line.
    mutating func townWalk(
        _ stretch: NuisanceStretch, _ day: Int, _ town: (zone: Int, side: String), _ walk: Int, _ random: inout RandomSource
    ) {
        let zone = zones.zones[town.zone]
        var points: [GeoPoint] = []
        // An errand: from a point in the cameras' view, a few hundred metres at a time.
        for _ in 0..<300 where points.count < 5 {
            let point: GeoPoint?
            if let last = points.last {
                let r = random.uniform(100, 350), angle = random.uniform(0, 2 * .pi)
                let next = LocalPlane(origin: last).unproject(Vector2(x: r * cos(angle), y: r * sin(angle)))
                point = townLeg(from: last, to: next, zone, side: town.side) ? next : nil
            } else {
                point = townPoint(zone, side: town.side, random: &random).flatMap { point in
                    stretch.cameras.contains { world.cameras[$0].sees(point) } ? point : nil
                }
            }
            guard let point else { continue }
            points.append(point)
            if points.count >= 3 && random.chance(0.4) { break }
        }
        guard points.count >= 2 else { return }
        let speed = random.uniform(0.9, 1.4), dwell = random.uniform(0, 120)
        var length = 0.0
        for (a, b) in zip(points, points.dropFirst()) { length += a.distance(to: b) }
        // Out of town and of the cameras' sight half an hour before the end of the day window.
        let latest = townDay.to / 60 - 0.5 - (length / speed + dwell) / 3_600
        guard latest > townDay.from / 60 else { return }
        let actor = ActorSpec(
            id: id(stretch, day, "\(zone.id)-walk\(walk)"), objectClass: .person, count: random.integer(1, 2), spreadM: 1.5,
            speedMps: speed, startS: at(day, hours: townDay.from / 60, latest, &random), dwellS: dwell, conf: random.uniform(0.7, 0.95),
            tempC: (random.uniform(33, 36) * 10).rounded() / 10, path: .waypoints(points))
        add(.townLife, stretch, day, actor, random: &random)
    }

    /// A random point of a town where its people walk: 60 m inside its edge, 150 m from the line
    /// on the town's side, outside masks and restricted areas; `nil` when the draw is not one.
    func townPoint(_ zone: Zone, side: String, random: inout RandomSource) -> GeoPoint? {
        guard case .circle(let center, let radius) = zone.shape, radius > 100 else { return nil }
        let r = (radius - 60) * random.unit().squareRoot(), angle = random.uniform(0, 2 * .pi)
        let point = LocalPlane(origin: center).unproject(Vector2(x: r * cos(angle), y: r * sin(angle)))
        return isTownGround(point, side: side, distance: 150) ? point : nil
    }

    /// Whether every 20 m of the leg from `a` to `b` is town ground (100 m from the line on the
    /// town's side, 40 m inside the town).
    func townLeg(from a: GeoPoint, to b: GeoPoint, _ zone: Zone, side: String) -> Bool {
        guard case .circle(let center, let radius) = zone.shape else { return false }
        let plane = LocalPlane(origin: a)
        let step = plane.project(b)
        let n = max(1, Int((step.length / 20).rounded(.up)))
        return (0...n).allSatisfy { k in
            let point = plane.unproject(step * (Double(k) / Double(n)))
            return point.distance(to: center) <= radius - 40 && isTownGround(point, side: side, distance: 100)
        }
    }

    func isTownGround(_ point: GeoPoint, side: String, distance: Double) -> Bool {
        guard let place = border.locate(point), place.side == side, place.distanceM >= distance, !zones.isMasked(point) else { return false }
        return !zones.zonesContaining(point).contains { zones.zones[$0].kind == .restricted }
    }

    // MARK: Cameras

    /// Each covered camera reboots about every `rebootEveryDays`, down 20 to 90 s.
    func reboots(_ stretches: [NuisanceStretch]) -> [NuisanceReboot] {
        guard options.rates.rebootEveryDays > 0 else { return [] }
        var reboots: [NuisanceReboot] = []
        let end = Double(options.days) * 86_400 - 300
        for camera in stretches.flatMap(\.cameras) {
            var random = RandomSource(seed: options.seed, stream: CameraModel.stream(of: world.cameras[camera].id) ^ 0x5EB0_0700)
            var t = random.exponential(mean: options.rates.rebootEveryDays * 86_400)
            while t < end {
                let down = random.uniform(20, 90)
                reboots.append(NuisanceReboot(camera: camera, atS: t, downS: down))
                t += down + random.exponential(mean: options.rates.rebootEveryDays * 86_400)
            }
        }
        return reboots.sorted { ($0.atS, $0.camera) < ($1.atS, $1.camera) }
    }
}
