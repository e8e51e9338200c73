import Foundation
import Testing
import VigilConfig
import VigilCore
import VigilSimulation

/// Scenario files: the shipped ones load, and mistakes are reported with the file and key path.
@Suite struct ScenarioLoadingTests {
    @Test func shippedRabiaScenarioLoads() throws {
        let scenario = try Fixtures.scenario("rabia-lone-crossing")
        #expect(scenario.name == "rabia-lone-crossing")
        #expect(scenario.fps == 10)
        #expect(scenario.noiseM == 3)
        #expect(scenario.tailS == 45)
        #expect(scenario.cameraPrefixes == ["cam-rabia-"])
        #expect(scenario.seed == 7)
        #expect(scenario.actors.count == 1)
        let walker = try #require(scenario.actors.first)
        #expect(walker.objectClass == .person)
        #expect(walker.speedMps == 1.5)
        #expect(walker.tempC == 34.5)
        guard case .cross(let cross) = walker.path else {
            Issue.record("expected a cross path")
            return
        }
        #expect(cross == BorderCrossingPath(km: 558.0, from: "SY", to: "IQ", beforeM: 60, afterM: 140))
        #expect(!scenario.description.isEmpty)
    }

    @Test func shippedAlQaimScenarioLoads() throws {
        let scenario = try Fixtures.scenario("alqaim-mixed")
        #expect(scenario.cameraPrefixes == ["cam-qaim-"])
        #expect(scenario.actors.map(\.id) == ["herd", "v1"])
        #expect(scenario.actors[0].objectClass == .animal)
        #expect(scenario.actors[0].count == 15)
        #expect(scenario.actors[0].spreadM == 20)
        #expect(scenario.actors[1].objectClass == .vehicle)
        #expect(scenario.actors[1].speedMps == 12)
    }

    @Test(arguments: ["rabia-lone-crossing", "alqaim-mixed"])
    func shippedScenariosLastUnderThreeMinutes(name: String) throws {
        let simulator = Simulator(scenario: try Fixtures.scenario(name), world: try Fixtures.world())
        #expect(simulator.duration <= 181, "\(name) lasts \(simulator.duration) s; --speed 20 must run it in about 9 s")
        #expect(simulator.duration >= 100)
    }

    @Test func locatesScenariosByNameOrPath() throws {
        let byName = try #require(Scenario.locate("alqaim-mixed", configDirectory: Fixtures.configDirectory))
        #expect(byName == "\(Fixtures.configDirectory)/scenarios/alqaim-mixed.yaml")
        #expect(Scenario.locate(byName, configDirectory: "/nonexistent") == byName)
        #expect(Scenario.locate("no-such-scenario", configDirectory: Fixtures.configDirectory) == nil)
    }

    private static let minimal = """
        name: t
        actors:
          - id: p1
            class: person
            speed_mps: 1.5
            path:
              cross: {km: 558.0, from: SY, to: IQ}
        """

    private func error(_ text: String, file: String = "bad.yaml") throws -> ConfigError? {
        do {
            _ = try Scenario.parse(text, file: file, world: Fixtures.world())
            return nil
        } catch let error as ConfigError {
            return error
        }
    }

    @Test func minimalScenarioTakesTheDefaults() throws {
        let scenario = try Scenario.parse(Self.minimal, file: "t.yaml", world: Fixtures.world())
        #expect(scenario.fps == Scenario.defaultFPS)
        #expect(scenario.noiseM == Scenario.defaultNoiseM)
        #expect(scenario.tailS == Scenario.defaultTailS)
        #expect(scenario.cameraPrefixes.isEmpty)
        #expect(scenario.actors[0].count == 1)
        #expect(scenario.actors[0].conf == ActorSpec.defaultConf)
        #expect(scenario.actors[0].tempC == nil)
    }

    @Test func unknownTopLevelKeyNamesFileAndKey() throws {
        let error = try #require(try error("colour: red\n" + Self.minimal))
        #expect(error.file == "bad.yaml")
        #expect(error.key == "colour")
        #expect(error.description.hasPrefix("bad.yaml: colour: unknown key"))
    }

    @Test func unknownNestedKeyNamesItsPath() throws {
        let text = Self.minimal.replacingOccurrences(of: "to: IQ}", with: "to: IQ, bearing: 90}")
        let error = try #require(try error(text))
        #expect(error.file == "bad.yaml")
        #expect(error.key == "actors[0].path.cross.bearing")
    }

    @Test func unknownKeyInAFileNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-sim-\(UUID().uuidString).yaml").path
        try (Self.minimal + "\n    colour: red\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Scenario.load(path: path, world: Fixtures.world())
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.file == path)
            #expect(error.key == "actors[0].colour")
        }
    }

    @Test func mistakesAreNamedByKeyPath() throws {
        let cases: [(String, String)] = [
            (Self.minimal.replacingOccurrences(of: "from: SY", with: "from: TR"), "actors[0].path.cross.from"),
            (Self.minimal.replacingOccurrences(of: "km: 558.0", with: "km: 700"), "actors[0].path.cross.km"),
            (Self.minimal.replacingOccurrences(of: "to: IQ", with: "to: SY"), "actors[0].path.cross.to"),
            (Self.minimal.replacingOccurrences(of: "    speed_mps: 1.5\n", with: ""), "actors[0].speed_mps"),
            (Self.minimal.replacingOccurrences(of: "class: person", with: "class: drone"), "actors[0].class"),
            ("cameras: [cam-nowhere-]\n" + Self.minimal, "cameras[0]"),
            ("fps: 0\n" + Self.minimal, "fps"),
            (Self.minimal + "\n      waypoints: [[36.8, 42.1], [36.81, 42.11]]", "actors[0].path"),
            (Self.minimal.replacingOccurrences(of: "cross: {km: 558.0, from: SY, to: IQ}", with: "waypoints: [[36.8, 42.1, 3]]"),
             "actors[0].path.waypoints[0]"),
            (Self.minimal + "\n  - id: p1\n    class: person\n    speed_mps: 1\n    path: {waypoints: [[36.8, 42.1], [36.9, 42.1]]}",
             "actors[1]"),
        ]
        for (text, key) in cases {
            let error = try #require(try error(text), "expected an error at \(key)")
            #expect(error.key == key, "\(error)")
            #expect(error.file == "bad.yaml")
        }
    }

    @Test func borderAndWaypointPathsLoad() throws {
        let text = """
            name: paths
            actors:
              - id: a
                class: animal
                speed_mps: 1
                path:
                  border: [{km: 225.5, side: SY, offset_m: 25}, {km: 225.6, side: IQ, offset_m: 30}]
              - id: b
                class: unknown
                speed_mps: 2
                dwell_s: 10
                path:
                  waypoints: [[34.38, 40.92]]
            """
        let scenario = try Scenario.parse(text, file: "paths.yaml", world: Fixtures.world())
        guard case .border(let waypoints) = scenario.actors[0].path, case .waypoints(let points) = scenario.actors[1].path else {
            Issue.record("wrong path kinds")
            return
        }
        #expect(waypoints == [BorderWaypoint(km: 225.5, side: "SY", offsetM: 25), BorderWaypoint(km: 225.6, side: "IQ", offsetM: 30)])
        #expect(points == [GeoPoint(lat: 34.38, lon: 40.92)])
    }

    @Test func aPathThatIsNeverSeenIsRefused() throws {
        let text = Self.minimal.replacingOccurrences(of: "cross: {km: 558.0, from: SY, to: IQ}", with: "waypoints: [[36.8, 42.1]]")
        let error = try #require(try error(text))
        #expect(error.key == "actors[0].path")
    }
}
