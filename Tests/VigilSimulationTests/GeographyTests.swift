import Testing
import VigilCore
import VigilSimulation

/// The shipped scenarios' crossing points: on the border, outside the towns, seen by two cameras
/// whose sectors are the registered ones.
@Suite struct GeographyTests {
    /// Every point along the actor's path (every 10 m, group centre) for the scenario's actors.
    private func pathPoints(_ trajectory: Trajectory) -> [GeoPoint] {
        var points: [GeoPoint] = []
        var t = trajectory.startS
        while t < trajectory.arrivalS {
            if let state = trajectory.state(at: t) { points.append(trajectory.geoPoint(state.position)) }
            t += 10 / trajectory.speedMps
        }
        return points
    }

    private func towns() throws -> [(id: String, center: GeoPoint, radius: Double)] {
        try Fixtures.zones().compactMap { zone in
            guard zone.kind == .town, case .circle(let center, let radius) = zone.shape else { return nil }
            return (zone.id, center, radius)
        }
    }

    @Test(arguments: [("rabia-lone-crossing", "p1", 558.0, "S12"), ("alqaim-mixed", "v1", 227.5, "S05"), ("alqaim-mixed", "herd", 225.5, "S05")])
    func crossingPointIsSeenTwiceAndOutsideTheTowns(name: String, actorID: String, km: Double, sector: String) throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario(name)
        let border = try #require(world.border)
        let onLine = border.point(km: km, side: .right, offsetM: 0)
        let cameras = scenario.reportingCameras(of: world.cameras).filter { $0.sees(onLine) }
        #expect(cameras.count >= 2, "\(name) km \(km) is seen by \(cameras.map(\.id))")
        #expect(cameras.allSatisfy { $0.sector == sector })

        let simulator = Simulator(scenario: scenario, world: world)
        let index = try #require(scenario.actors.firstIndex { $0.id == actorID })
        let crossing = try #require(simulator.events.first { event in
            guard event.actorID == actorID, case .crossed(_, _, let at) = event.kind else { return false }
            return abs(at - km) < 0.1
        })
        #expect(scenario.reportingCameras(of: world.cameras).filter { $0.sees(crossing.position) }.count >= 2)
        let towns = try towns()
        for point in pathPoints(simulator.trajectories[index]) {
            for town in towns {
                #expect(point.distance(to: town.center) > town.radius + 500, "\(actorID) passes \(town.id)")
            }
        }
    }

    @Test func alQaimVehicleCrossesFarFromTheHerd() throws {
        let world = try Fixtures.world()
        let simulator = Simulator(scenario: try Fixtures.scenario("alqaim-mixed"), world: world)
        let crossings = simulator.events.filter { if case .crossed = $0.kind { true } else { false } }
        let vehicle = try #require(crossings.first { $0.actorID == "v1" })
        let herd = crossings.filter { $0.actorID == "herd" }
        #expect(herd.count == 2, "the herd crosses and comes back")
        #expect(herd.map(\.kind) .map { if case .crossed(let from, let to, _) = $0 { "\(from)->\(to)" } else { "" } } == ["SY->IQ", "IQ->SY"])
        for crossing in herd { #expect(crossing.position.distance(to: vehicle.position) >= 1_500) }
    }
}
