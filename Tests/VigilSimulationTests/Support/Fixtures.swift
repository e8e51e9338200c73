import Foundation
import VigilConfig
import VigilCore
import VigilSimulation

/// The repository's real configuration, found relative to this file, and small synthetic worlds.
enum Fixtures {
    /// The repository root: this file is `Tests/VigilSimulationTests/Support/Fixtures.swift`.
    static let repository: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `Config/` of the repository.
    static let configDirectory = "\(repository)/Config"

    private static let loadedWorld = Result { () throws(ConfigError) -> SimulationWorld in
        try SimulationWorld.load(configDirectory: configDirectory)
    }

    /// The real cameras and border.
    static func world() throws -> SimulationWorld { try loadedWorld.get() }

    /// The real zones.
    static func zones() throws -> [Zone] { try ZonesFile.load(path: "\(configDirectory)/zones.geojson") }

    /// A shipped scenario, loaded against the real configuration.
    static func scenario(_ name: String) throws -> Scenario {
        try Scenario.load(path: "\(configDirectory)/scenarios/\(name).yaml", world: world())
    }

    /// Where the synthetic camera stands.
    static let mast = GeoPoint(lat: 36.0, lon: 42.0)

    /// A synthetic world: one camera at ``mast`` looking north (90°, 1 km), and a straight
    /// west–east border 555 m north of it with `SY` on its left (north) and `IQ` on its right.
    static let synthetic: SimulationWorld = {
        let camera = Camera(id: "cam-test-01", sector: "S01", position: mast, headingDeg: 0, fovDeg: 90, rangeM: 1_000)
        let line = Polyline(points: [GeoPoint(lat: 36.005, lon: 41.9), GeoPoint(lat: 36.005, lon: 42.1)])
        return SimulationWorld(cameras: [camera], border: BorderLine(zoneID: "border", line: line, sides: SideNames(left: "SY", right: "IQ")))
    }()

    /// The point `north` metres north and `east` metres east of the mast.
    static func nearMast(north: Double, east: Double = 0) -> GeoPoint {
        LocalPlane(origin: mast).unproject(Vector2(x: east, y: north))
    }

    /// Every frame of `scenario` in `world`.
    static func frames(_ scenario: Scenario, _ world: SimulationWorld, epochMs: Int64 = 0) -> [SimulatedFrame] {
        var simulator = Simulator(scenario: scenario, world: world, epochMs: epochMs)
        var frames: [SimulatedFrame] = []
        while let frame = simulator.next() { frames.append(frame) }
        return frames
    }
}
