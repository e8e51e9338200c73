import Foundation
import VigilConfig
import VigilCore

extension Scenario {
    /// The keys of a scenario file's top level.
    static let keys: Set<String> = ["name", "description", "fps", "noise_m", "tail_s", "cameras", "seed", "actors", "faults"]
    /// The keys of one actor.
    static let actorKeys: Set<String> = [
        "id", "class", "count", "spread_m", "speed_mps", "start_s", "dwell_s", "conf", "temp_c", "path",
    ]

    /// Loads and validates the scenario file at `path` (named `file` in errors) against `world`:
    /// camera prefixes must match registered cameras, kilometres must lie on the border and side
    /// names must be the border's.
    public static func load(path: String, file: String? = nil, world: SimulationWorld) throws(ConfigError) -> Scenario {
        try read(YAMLDocument.load(path: path, file: file), world: world)
    }

    /// Parses and validates scenario `text`, named `file` in errors.
    public static func parse(_ text: String, file: String, world: SimulationWorld) throws(ConfigError) -> Scenario {
        try read(YAMLDocument.parse(text, file: file), world: world)
    }

    /// The file a scenario argument names: `argument` itself when it is an existing file,
    /// otherwise `<configDirectory>/scenarios/<argument>.yaml` (or without the added extension
    /// when `argument` already ends in `.yaml`). `nil` when neither exists.
    public static func locate(_ argument: String, configDirectory: String) -> String? {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue { return argument }
        let directory = configDirectory.hasSuffix("/") ? String(configDirectory.dropLast()) : configDirectory
        let name = argument.hasSuffix(".yaml") ? argument : "\(argument).yaml"
        let candidate = "\(directory)/scenarios/\(name)"
        return files.fileExists(atPath: candidate) ? candidate : nil
    }

    static func read(_ root: YAMLValue, world: SimulationWorld) throws(ConfigError) -> Scenario {
        let map = try root.mapping(allowed: keys)
        let name = try map.required("name").string()
        guard Identifier.isValid(name) else { throw map["name"].error("\"\(name)\" is not an identifier ([A-Za-z0-9_-]{1,64})") }
        var scenario = Scenario(
            name: name,
            description: try map.string("description", default: ""),
            fps: try map.double("fps", default: defaultFPS, in: 0.1...100),
            noiseM: try map.double("noise_m", default: defaultNoiseM, in: 0...1_000),
            tailS: try map.double("tail_s", default: defaultTailS, in: 0...3_600),
            seed: UInt64(try map.int("seed", default: Int(defaultSeed), in: 0...Int.max)),
            actors: [])
        scenario.cameraPrefixes = try readCameraPrefixes(map["cameras"], world: world)
        scenario.faults = try readFaults(map["faults"], world: world)

        let actorNodes = try map.required("actors").sequence()
        guard !actorNodes.isEmpty else { throw map["actors"].error("expected at least one actor") }
        var seen: [String: Int] = [:]
        var members = 0
        for (index, node) in actorNodes.enumerated() {
            let actor = try readActor(node, world: world)
            if let first = seen[actor.id] { throw node.error("duplicate actor id \"\(actor.id)\" (first used by actors[\(first)])") }
            seen[actor.id] = index
            members += actor.count
            guard members <= 1_000 else { throw node.error("more than 1000 members in all; the simulator keeps each one as a target") }
            scenario.actors.append(actor)
        }
        return scenario
    }

    private static func readCameraPrefixes(_ node: YAMLValue, world: SimulationWorld) throws(ConfigError) -> [String] {
        if node.isNull { return [] }
        let items: [YAMLValue]
        do {
            items = try node.sequence()
        } catch {
            items = [node]  // a single prefix
        }
        var prefixes: [String] = []
        for item in items {
            let prefix = try item.string()
            guard !prefix.isEmpty else { throw item.error("an empty prefix; leave `cameras` out to use every camera") }
            guard world.cameras.contains(where: { $0.id.hasPrefix(prefix) }) else {
                throw item.error("no registered camera id starts with \"\(prefix)\"")
            }
            prefixes.append(prefix)
        }
        return prefixes
    }

    /// The keys of `faults`.
    static let faultKeys: Set<String> = ["duplicate", "reorder_ms", "drop", "clock_skew_ms", "track_switch_s", "reboot_at_s", "outages"]

    private static func readFaults(_ node: YAMLValue, world: SimulationWorld) throws(ConfigError) -> Faults {
        if node.isNull { return .none }
        let map = try node.mapping(allowed: faultKeys)
        var skews: [String: Int] = [:]
        let skewNode = map["clock_skew_ms"]
        if !skewNode.isNull {
            // Keys are camera-id prefixes: every prefix of a registered id is allowed.
            var prefixes: Set<String> = []
            for camera in world.cameras {
                for length in 1...max(camera.id.count, 1) { prefixes.insert(String(camera.id.prefix(length))) }
            }
            let skewMap: YAMLMapping
            do {
                skewMap = try skewNode.mapping(allowed: prefixes)
            } catch {
                guard error.message.hasPrefix("unknown key") else { throw error }
                let prefix = error.key.hasPrefix(skewNode.path + ".") ? String(error.key.dropFirst(skewNode.path.count + 1)) : error.key
                throw ConfigError(file: error.file, key: error.key, "no registered camera id starts with \"\(prefix)\"")
            }
            for prefix in prefixes where skewMap.has(prefix) {
                skews[prefix] = try skewMap[prefix].int(in: -Faults.maxSkewMs...Faults.maxSkewMs)
            }
        }
        var reboots: [Double] = []
        for item in try map["reboot_at_s"].sequence() { reboots.append(try item.double(in: 0...86_400)) }
        var outages: [Faults.Outage] = []
        for item in try map["outages"].sequence() {
            let outage = try item.mapping(allowed: ["cameras", "from_s", "to_s"])
            let prefix = try outage.required("cameras").string()
            guard world.cameras.contains(where: { $0.id.hasPrefix(prefix) }) else {
                throw outage["cameras"].error("no registered camera id starts with \"\(prefix)\"")
            }
            let from = try outage.required("from_s").double(in: 0...86_400)
            let to = try outage.required("to_s").double(in: 0...86_400)
            guard to > from else { throw outage["to_s"].error("expected a time after from_s (\(from))") }
            outages.append(Faults.Outage(cameras: prefix, fromS: from, toS: to))
        }
        return Faults(
            duplicate: try map.double("duplicate", default: 0, in: 0...1),
            reorderMs: try map.double("reorder_ms", default: 0, in: 0...Faults.maxReorderMs),
            drop: try map.double("drop", default: 0, in: 0...0.99),
            clockSkewMs: skews,
            trackSwitchS: try map.double("track_switch_s", default: 0, in: 0...86_400),
            rebootAtS: reboots, outages: outages)
    }

    private static func readActor(_ node: YAMLValue, world: SimulationWorld) throws(ConfigError) -> ActorSpec {
        let map = try node.mapping(allowed: actorKeys)
        let id = try map.required("id").string()
        guard Identifier.isValid(id) else { throw map["id"].error("\"\(id)\" is not an identifier ([A-Za-z0-9_-]{1,64})") }
        let className = try map.required("class").choice(ObjectClass.allCases.map(\.rawValue))
        let actor = ActorSpec(
            id: id,
            objectClass: ObjectClass(rawValue: className) ?? .unknown,
            count: try map.int("count", default: ActorSpec.defaultCount, in: 1...256),
            spreadM: try map.double("spread_m", default: ActorSpec.defaultSpreadM, in: 0.5...1_000),
            speedMps: try map.required("speed_mps").double(in: 0.01...100),
            startS: try map.double("start_s", default: 0, in: 0...86_400),
            dwellS: try map.double("dwell_s", default: 0, in: 0...86_400),
            conf: try map.double("conf", default: ActorSpec.defaultConf, in: 0...1),
            tempC: map.has("temp_c") ? try map["temp_c"].double(in: -60...1_500) : nil,
            path: try readPath(map.required("path"), world: world))
        if actor.dwellS == 0, Trajectory.pathLength(of: actor.path, border: world.border) == 0 {
            throw map["path"].error("the path has no length and dwell_s is 0: the actor would never be seen")
        }
        return actor
    }

    private static func readPath(_ node: YAMLValue, world: SimulationWorld) throws(ConfigError) -> ActorPath {
        let map = try node.mapping(allowed: ["cross", "border", "waypoints"])
        let given = ["cross", "border", "waypoints"].filter { map.has($0) }
        guard given.count == 1 else {
            throw node.error(given.isEmpty ? "expected one of cross, border, waypoints" : "give only one of \(given.joined(separator: ", "))")
        }
        switch given[0] {
        case "cross":
            let cross = try map["cross"].mapping(allowed: ["km", "from", "to", "before_m", "after_m"])
            let border = try requireBorder(world, map["cross"])
            let from = try readSide(cross.required("from"), border)
            let to = try readSide(cross.required("to"), border)
            guard from != to else { throw cross["to"].error("a crossing goes from one side to the other; \"to\" equals \"from\"") }
            return .cross(
                BorderCrossingPath(
                    km: try readKm(cross.required("km"), border), from: from, to: to,
                    beforeM: try cross.double("before_m", default: 100, in: 0...10_000),
                    afterM: try cross.double("after_m", default: 300, in: 0...10_000)))
        case "border":
            let border = try requireBorder(world, map["border"])
            var waypoints: [BorderWaypoint] = []
            for item in try map["border"].sequence() {
                let waypoint = try item.mapping(allowed: ["km", "side", "offset_m"])
                waypoints.append(
                    BorderWaypoint(
                        km: try readKm(waypoint.required("km"), border),
                        side: try readSide(waypoint.required("side"), border),
                        offsetM: try waypoint.double("offset_m", default: 0, in: 0...10_000)))
            }
            guard !waypoints.isEmpty else { throw map["border"].error("expected at least one waypoint") }
            return .border(waypoints)
        default:
            var points: [GeoPoint] = []
            for item in try map["waypoints"].sequence() {
                let pair = try item.sequence()
                guard pair.count == 2 else { throw item.error("expected [lat, lon]") }
                points.append(GeoPoint(lat: try pair[0].double(in: -90...90), lon: try pair[1].double(in: -180...180)))
            }
            guard !points.isEmpty else { throw map["waypoints"].error("expected at least one [lat, lon]") }
            return .waypoints(points)
        }
    }

    private static func requireBorder(_ world: SimulationWorld, _ node: YAMLValue) throws(ConfigError) -> BorderLine {
        guard let border = world.border else { throw node.error("the zones define no border line (a zone of kind border)") }
        return border
    }

    private static func readKm(_ node: YAMLValue, _ border: BorderLine) throws(ConfigError) -> Double {
        try node.double(in: 0...border.lengthKm)
    }

    private static func readSide(_ node: YAMLValue, _ border: BorderLine) throws(ConfigError) -> String {
        try node.choice([border.sides.left, border.sides.right])
    }
}
