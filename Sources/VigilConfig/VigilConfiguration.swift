import Foundation
import VigilCore

/// Everything the daemon is configured with, loaded from `vigild.yaml` and the files it names.
public struct VigilConfiguration: Sendable {
    /// Daemon settings.
    public var settings: DaemonSettings
    /// The registered cameras.
    public var cameras: [Camera]
    /// The zones.
    public var zones: [Zone]
    /// The rules, in order.
    public var rules: [Rule]
    /// The site's time zone (the rules file's `timezone`), for rule schedules.
    public var siteTime: SiteTime

    /// Creates a configuration from its parts.
    public init(settings: DaemonSettings, cameras: [Camera], zones: [Zone], rules: [Rule], siteTime: SiteTime = .utc) {
        self.settings = settings
        self.cameras = cameras
        self.zones = zones
        self.rules = rules
        self.siteTime = siteTime
    }

    /// The alert engine this configuration describes, as the daemon and `vigil replay` build it.
    public func makeEngine() -> AlertEngine {
        AlertEngine(cameras: CameraRegistry(cameras), zones: ZoneSet(zones: zones), rules: rules, settings: settings.engine, siteTime: siteTime)
    }

    /// Loads `vigild.yaml` at `path` and the zones, cameras and rules files it names (paths
    /// relative to its folder; defaults `zones.geojson`, `cameras.geojson`, `rules.yaml`).
    public static func load(path: String) throws(ConfigError) -> VigilConfiguration {
        let root = try YAMLDocument.load(path: path).mapping(allowed: DaemonSettings.keys)
        let settings = try DaemonSettings.read(root)
        let files = try root["files"].mapping(allowed: ["zones", "cameras", "rules"])
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ key: String, _ fallback: String) throws(ConfigError) -> String {
            let name = try files.string(key, default: fallback)
            return name.hasPrefix("/") ? name : folder.appendingPathComponent(name).path
        }
        let zones = try ZonesFile.load(path: try resolve("zones", "zones.geojson"))
        let cameras = try CamerasFile.load(path: try resolve("cameras", "cameras.geojson"))
        let rules = try RulesFile.loadContents(path: try resolve("rules", "rules.yaml"), zones: zones)
        return VigilConfiguration(settings: settings, cameras: cameras, zones: zones, rules: rules.rules, siteTime: rules.siteTime)
    }
}
