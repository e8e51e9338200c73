import Foundation
import Testing
import VigilConfig
import VigilCore
import VigilSimulation

/// The operator's way out for border-guard patrols: the `iq-patrol-road` zone and the
/// `patrol-road` rule of the default configuration. A patrol vehicle on the road raises nothing;
/// the same vehicle leaving the road towards the line, or crossing it, still raises; a person on
/// the road is not covered; and without the rule the patrol is an intrusion (by position and
/// motion alone, it is one). Frames from the simulator's camera model, through the engine built
/// from Config/vigild.yaml as vigild builds it.
@Suite struct NuisancePatrolRoadTests {
    static let t0: Int64 = 1_800_000_000_000

    /// The road's centre line.
    static func road() throws -> Polyline {
        let zone = try #require(try Fixtures.world().zones?.zone(id: "iq-patrol-road"))
        guard case .band(let line, let width, nil) = zone.shape else {
            Issue.record("iq-patrol-road is not a band on both sides of a line")
            throw CancellationError()
        }
        #expect(width == 50 && zone.kind == .buffer)
        return line
    }

    /// Points along the road from the point nearest km `a` of the border to the one nearest km `b`, every 100 m.
    static func alongRoad(_ a: Double, _ b: Double) throws -> [GeoPoint] {
        let road = try road(), border = try #require(try Fixtures.world().border)
        let from = try #require(road.proximity(of: border.point(km: a, side: .left, offsetM: 0))).along
        let to = try #require(road.proximity(of: border.point(km: b, side: .left, offsetM: 0))).along
        let steps = Int((abs(to - from) / 100).rounded(.up))
        return (0...steps).map { road.point(along: from + (to - from) * Double($0) / Double(steps)) }
    }

    /// The border's point `offsetM` metres on side `side` at km `km`.
    static func off(_ km: Double, _ side: String, _ offsetM: Double) throws -> GeoPoint {
        let border = try #require(try Fixtures.world().border)
        return border.point(km: km, side: try #require(border.side(named: side)), offsetM: offsetM)
    }

    /// The target alerts (health alerts left out: only the baaj cameras report) the engine raises
    /// for `actors` seen by the baaj stretch's cameras.
    static func alerts(_ actors: [ActorSpec], withoutRule: String? = nil) throws -> [AlertMessage] {
        var configuration = try VigilConfiguration.load(path: "\(Fixtures.configDirectory)/vigild.yaml")
        if let withoutRule { configuration.rules.removeAll { $0.name == withoutRule } }
        var engine = configuration.makeEngine()
        let registry = CameraRegistry(configuration.cameras)
        let scenario = Scenario(name: "patrol", cameraPrefixes: ["cam-baaj-"], seed: 3, actors: actors)
        var simulator = Simulator(scenario: scenario, world: try Fixtures.world(), epochMs: t0)
        var alerts: [AlertMessage] = []
        var lastExpiry = t0
        while let frame = simulator.next() {
            let camera = try #require(registry.index(of: frame.report.camera))
            let wall = frame.report.ts + 50
            #expect(engine.process(frame.report, camera: camera, wallNowMs: wall, into: &alerts) == .accepted)
            if wall - lastExpiry >= 500 {
                engine.expire(wallNowMs: wall, into: &alerts)
                lastExpiry = wall
            }
        }
        return alerts.filter { $0.kind != "camera_offline" && $0.kind != "coverage_gap" }
    }

    static func patrol(_ path: [GeoPoint], objectClass: ObjectClass = .vehicle, speed: Double = 10, dwellS: Double = 0) -> ActorSpec {
        ActorSpec(id: "v1", objectClass: objectClass, speedMps: speed, startS: 1, dwellS: dwellS, conf: 0.9, path: .waypoints(path))
    }

    @Test func aPatrolOnTheRoadRaisesNothing() throws {
        // 4 km of road at 10 m/s with a 3-minute stop: minutes in the strip.
        let alerts = try Self.alerts([Self.patrol(try Self.alongRoad(408, 412), dwellS: 180)])
        #expect(alerts.isEmpty, "\(alerts.map { "\($0.state) \($0.kind) \($0.zone)" })")
    }

    @Test func withoutTheRuleThePatrolIsAnIntrusion() throws {
        let alerts = try Self.alerts([Self.patrol(try Self.alongRoad(408, 412), dwellS: 180)], withoutRule: "patrol-road")
        let raised = alerts.filter { $0.state == .raised }
        #expect(raised.count == 1)
        #expect(raised.first?.kind == "intrusion" && raised.first?.zone == "iq-sy-strip" && raised.first?.rule == "strip-intrusion")
    }

    @Test func theVehicleLeavingTheRoadTowardsTheLineIsRaisedAtOnce() throws {
        // 2 km along the road (200 s in the strip), then 200 m off it towards the line, where it stops.
        let road = try Self.alongRoad(408, 410)
        let stop = try Self.off(410, "IQ", 40)
        let alerts = try Self.alerts([Self.patrol(road + [stop], dwellS: 60)])
        let raised = alerts.filter { $0.state == .raised }
        #expect(raised.count == 1, "\(alerts.map { "\($0.state) \($0.kind)" })")
        let intrusion = try #require(raised.first)
        #expect(intrusion.kind == "intrusion" && intrusion.zone == "iq-sy-strip" && intrusion.objectClass == .vehicle)
        // Raised within seconds of leaving the band (50 m off the road's centre line, then the
        // zone's inertia): the strip dwell counts from the entry into the strip, long before.
        let leftRoadS = 1 + (2_000.0 + 50) / 10
        let raisedS = Double(intrusion.lastTs - Self.t0) / 1_000
        #expect(raisedS >= leftRoadS - 1 && raisedS <= leftRoadS + 5, "raised at \(raisedS) s, left the road at \(leftRoadS) s")
    }

    @Test func theVehicleCrossingFromTheRoadIsACrossing() throws {
        let road = try Self.alongRoad(408, 410)
        let alerts = try Self.alerts([Self.patrol(road + [try Self.off(410, "SY", 300)])])
        let raised = alerts.filter { $0.state == .raised }
        #expect(raised.count == 1)
        let kinds = alerts.filter { $0.id == raised.first?.id }.map(\.kind)
        #expect(kinds.last == "border_crossing", "\(kinds)")
        #expect(alerts.contains { $0.kind == "border_crossing" && $0.direction == "IQ->SY" && $0.severity == .critical })
    }

    @Test func aPersonOnTheRoadIsNotCovered() throws {
        // The rule names vehicles: a person walking the road for minutes is in the strip.
        let alerts = try Self.alerts([Self.patrol(try Self.alongRoad(408, 408.3), objectClass: .person, speed: 1.5)])
        #expect(alerts.contains { $0.state == .raised && $0.kind == "intrusion" && $0.objectClass == .person })
    }
}
