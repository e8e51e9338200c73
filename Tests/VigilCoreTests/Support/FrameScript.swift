@testable import VigilCore

/// A scripted scene for engine tests on the test border of ``AlertEngineTests`` (a north–south
/// line at 42°E, Syria west): actors (one target or a group) walking east–west at given speeds,
/// seen by both test cameras at 10 fps with seeded noise, then heartbeats so incidents resolve.
struct FrameScript {
    struct Actor {
        var objectClass: ObjectClass
        var count = 1
        /// Metres between group members (on a grid), north–south and east–west.
        var spreadM = 5.0
        /// Start and end, metres east of the line, and latitude of the path.
        var fromM: Double
        var toM: Double
        var lat = 36.5
        var start: Double
        var seconds: Double
    }

    struct Frame {
        var camera: Int
        var report: FrameReport
    }

    var actors: [Actor]
    var until: Double
    var noiseM = 3.0
    var seed: UInt64 = 1
    /// Per camera, how far its clock runs ahead (+) or behind (−), added to its `ts`.
    var skewMs: [Int64] = [0, 0]

    /// Every frame of both cameras, in event-time order (camera 0 first on a tie).
    func frames() -> [Frame] {
        var rng = SplitMix64(seed: seed)
        var frames: [Frame] = []
        var seq: [UInt64] = [0, 0]
        let t0 = AlertEngineTests.Harness().t0
        for tick in 0...Int(until * 10) {
            let t = Double(tick) / 10
            for camera in 0..<2 {
                var detections: [Detection] = []
                var track: UInt32 = 0
                for actor in actors {
                    for member in 0..<actor.count {
                        track += 1
                        guard t >= actor.start && t <= actor.start + actor.seconds else { continue }
                        let progress = (t - actor.start) / actor.seconds
                        let row = Double(member / 3), col = Double(member % 3)
                        let x = actor.fromM + (actor.toM - actor.fromM) * progress + col * actor.spreadM + rng.double(-1, 1) * noiseM
                        let y = row * actor.spreadM + rng.double(-1, 1) * noiseM
                        let point = LocalPlane(origin: GeoPoint(lat: actor.lat, lon: 42.0)).unproject(Vector2(x: x, y: y))
                        detections.append(
                            Detection(track: track + UInt32(camera) * 1_000, objectClass: actor.objectClass, conf: 0.9, lat: point.lat, lon: point.lon))
                    }
                }
                seq[camera] += 1
                let report = FrameReport(
                    camera: AlertEngineTests.cameras[camera].id, seq: seq[camera], ts: t0 + Int64(tick) * 100 + skewMs[camera], detections: detections)
                frames.append(Frame(camera: camera, report: report))
            }
        }
        return frames
    }

    /// Runs `frames` through a fresh engine in the order given, each processed at wall time
    /// `arrival` ms after its frame's `ts` (0 when nil), with expiry after each; returns the alerts.
    static func run(_ frames: [Frame], arrivalDelayMs: [Int64]? = nil, settings: EngineSettings = EngineSettings()) -> [AlertMessage] {
        runWithStats(frames, arrivalDelayMs: arrivalDelayMs, settings: settings).alerts
    }

    /// ``run(_:arrivalDelayMs:settings:)``, with the engine's counters at the end.
    static func runWithStats(
        _ frames: [Frame], arrivalDelayMs: [Int64]? = nil, settings: EngineSettings = EngineSettings()
    ) -> (alerts: [AlertMessage], stats: EngineStats) {
        var engine = AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: AlertEngineTests.rules, settings: settings)
        var alerts: [AlertMessage] = []
        var order = Array(frames.indices)
        if let delays = arrivalDelayMs {
            order.sort { (frames[$0].report.ts + delays[$0], $0) < (frames[$1].report.ts + delays[$1], $1) }
        }
        for index in order {
            let wall = frames[index].report.ts + (arrivalDelayMs?[index] ?? 0)
            _ = engine.process(frames[index].report, camera: frames[index].camera, wallNowMs: wall, into: &alerts)
            engine.expire(wallNowMs: wall, into: &alerts)
        }
        return (alerts, engine.stats)
    }
}

/// What an incident came to, whatever the order its messages were made in.
struct IncidentSummary: Hashable, CustomStringConvertible {
    var kinds: [String]
    var severity: Severity
    var objectClass: ObjectClass
    var count: Int
    var direction: String?
    var zone: String
    var sector: String
    var raised: Int
    var resolved: Int

    /// One summary per incident id, sorted by description.
    static func of(_ alerts: [AlertMessage]) -> [IncidentSummary] {
        var byID: [String: [AlertMessage]] = [:]
        for alert in alerts { byID[alert.id, default: []].append(alert) }
        return byID.values.map { messages in
            var kinds: [String] = []
            for message in messages where !kinds.contains(message.kind) { kinds.append(message.kind) }
            let last = messages[messages.count - 1]
            return IncidentSummary(
                kinds: kinds, severity: last.severity, objectClass: last.objectClass, count: messages.map(\.count).max() ?? 0,
                direction: last.direction, zone: last.zone, sector: last.sector, raised: messages.filter { $0.state == .raised }.count,
                resolved: messages.filter { $0.state == .resolved }.count)
        }
        .sorted { $0.description < $1.description }
    }

    var description: String {
        "\(kinds.joined(separator: ">")) \(severity) \(objectClass.rawValue)×\(count) \(direction ?? "-") \(zone) \(sector) r\(raised)/\(resolved)"
    }
}
