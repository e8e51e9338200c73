import Foundation
import VigilConfig
import VigilCore

/// What the simulator needs from Vigil's configuration: the registered cameras, the border, the
/// zones and the alert rules.
///
/// Loaded from the same files the daemon reads (`cameras.geojson`, `zones.geojson` and
/// `rules.yaml` in the configuration directory, through the same readers), so the simulated
/// gateway and the daemon agree on every camera id, sector and position, and the ground truth
/// knows which alert each thing an actor does should raise.
public struct SimulationWorld: Sendable {
    /// The registered cameras, in file order.
    public var cameras: [Camera]
    /// The border line, when the zones define one.
    public var border: BorderLine?
    /// The zones, prepared for classification (`nil`: no zones known; no zone ground truth).
    public var zones: ZoneSet?
    /// The alert rules, in file order (empty: no rules known; crossings are the only truth).
    public var rules: [Rule]

    /// Creates a world.
    public init(cameras: [Camera], border: BorderLine?, zones: ZoneSet? = nil, rules: [Rule] = []) {
        self.cameras = cameras
        self.border = border
        self.zones = zones
        self.rules = rules
    }

    /// Loads `cameras.geojson`, `zones.geojson` and, when it exists, `rules.yaml` from
    /// `configDirectory` (rules are read by `RulesFile`, as the daemon reads them, so an invalid
    /// rules file is an error here too).
    public static func load(configDirectory: String) throws(ConfigError) -> SimulationWorld {
        let directory = configDirectory.hasSuffix("/") ? String(configDirectory.dropLast()) : configDirectory
        let cameras = try CamerasFile.load(path: "\(directory)/cameras.geojson")
        let zones = try ZonesFile.load(path: "\(directory)/zones.geojson")
        let rulesPath = "\(directory)/rules.yaml"
        let rules = FileManager.default.fileExists(atPath: rulesPath) ? try RulesFile.load(path: rulesPath, zones: zones) : []
        return SimulationWorld(cameras: cameras, border: BorderLine(zones: zones), zones: ZoneSet(zones: zones), rules: rules)
    }
}
