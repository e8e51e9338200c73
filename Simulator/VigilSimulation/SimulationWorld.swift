import VigilConfig
import VigilCore

/// What the simulator needs from Vigil's configuration: the registered cameras and the border.
///
/// Loaded from the same files the daemon reads (`cameras.geojson`, `zones.geojson` in the
/// configuration directory), so the simulated gateway and the daemon agree on every camera id,
/// sector and position.
public struct SimulationWorld: Sendable {
    /// The registered cameras, in file order.
    public var cameras: [Camera]
    /// The border line, when the zones define one.
    public var border: BorderLine?

    /// Creates a world.
    public init(cameras: [Camera], border: BorderLine?) {
        self.cameras = cameras
        self.border = border
    }

    /// Loads `cameras.geojson` and `zones.geojson` from `configDirectory`.
    public static func load(configDirectory: String) throws(ConfigError) -> SimulationWorld {
        let directory = configDirectory.hasSuffix("/") ? String(configDirectory.dropLast()) : configDirectory
        let cameras = try CamerasFile.load(path: "\(directory)/cameras.geojson")
        let zones = try ZonesFile.load(path: "\(directory)/zones.geojson")
        return SimulationWorld(cameras: cameras, border: BorderLine(zones: zones))
    }
}
