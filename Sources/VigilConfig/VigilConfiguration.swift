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
    /// Who may use the endpoints.
    public var security = SecuritySettings()

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
        var configuration = VigilConfiguration(settings: settings, cameras: cameras, zones: zones, rules: rules.rules, siteTime: rules.siteTime)
        configuration.security = try SecuritySettings.read(root, folder: folder)
        configuration.file = path
        // The HTTP server's TLS files, beside vigild.yaml unless absolute; checked here, named by key.
        for (key, name) in [("tls_certificate", settings.http.tlsCertificate), ("tls_key", settings.http.tlsKey)] {
            guard let name else { continue }
            let full = name.hasPrefix("/") ? name : folder.appendingPathComponent(name).path
            guard FileManager.default.isReadableFile(atPath: full) else {
                throw ConfigError(file: path, key: "http.\(key)", "cannot read \(full); expected a PEM file")
            }
            if key == "tls_certificate" { configuration.settings.http.tlsCertificate = full } else { configuration.settings.http.tlsKey = full }
        }
        configuration.zonesPath = try resolve("zones", "zones.geojson")
        configuration.camerasPath = try resolve("cameras", "cameras.geojson")
        return configuration
    }

    /// The file this configuration was loaded from, for errors ("" when built in code).
    public var file = ""
    /// The zones and cameras files it names, as found ("" when built in code).
    public var zonesPath = "", camerasPath = ""

    /// Refuses a plaintext endpoint that others than this machine can reach: without
    /// `security.server_certificate`, every bound endpoint must be loopback (127.0.0.1, ::1,
    /// localhost, ipc, inproc) unless its section says `allow_plaintext: true`. Returns a warning
    /// for each plaintext endpoint so allowed, to be logged at every start.
    public func checkEndpointSecurity() throws(ConfigError) -> [String] {
        var warnings: [String] = []
        if !settings.http.isLoopback && !settings.http.isTLS {
            guard settings.http.allowPlaintext else {
                throw ConfigError(
                    file: file.isEmpty ? "vigild.yaml" : file, key: "http.bind",
                    "\(settings.http.bind) can be reached from other machines, and without TLS the console's passwords and session cookies "
                        + "would cross the network in the clear; expected http.tls_certificate and http.tls_key, a loopback address "
                        + "(127.0.0.1:7680), or http.allow_plaintext: true")
            }
            warnings.append("http.bind \(settings.http.bind) is plaintext HTTP reachable from other machines (http.allow_plaintext: true)")
        }
        if settings.cluster.isEnabled && security.isCurve {
            throw ConfigError(
                file: "vigild", key: "cluster",
                "a cluster's nodes do not yet speak CURVE to each other (their replication is plaintext); expected no "
                    + "security.server_certificate with a cluster, or no cluster (docs/failover.md)")
        }
        if settings.cluster.isEnabled && !isLoopbackEndpoint(settings.cluster.replicationBind) && !settings.cluster.allowPlaintextReplication {
            throw ConfigError(
                file: "vigild", key: "cluster.replication.bind",
                "\(settings.cluster.replicationBind) can be reached from other machines, and the journal would be served in the clear to "
                    + "anyone who asks; expected a loopback endpoint, or cluster.replication.allow_plaintext: true on a private network "
                    + "between the nodes")
        }
        guard !security.isCurve else { return warnings }
        // The whole journal, and acknowledgements the publication waits for: never plaintext
        // beyond this machine.
        for endpoint in settings.replicationBind where !isLoopbackEndpoint(endpoint) {
            throw ConfigError(
                file: "vigild", key: "--replication-bind",
                "\(endpoint) can be reached from other machines, and without security.server_certificate the journal would be served "
                    + "in the clear to anyone who asks; expected security.server_certificate (vigil keys new vigild) or a loopback endpoint")
        }
        let bound: [(section: String, key: String, endpoints: [String])] = [
            ("ingest", "bind", settings.ingestBind), ("ingest", "connect", settings.ingestConnect), ("publish", "bind", settings.publishBind),
            ("catchup", "bind", settings.catchupBind.isEmpty ? [] : [settings.catchupBind]),
            ("control", "bind", settings.controlBind.isEmpty ? [] : [settings.controlBind]),
        ]
        for (section, key, endpoints) in bound {
            for (i, endpoint) in endpoints.enumerated() where !isLoopbackEndpoint(endpoint) {
                let at = key == "bind" && section != "ingest" && section != "publish" ? "\(section).\(key)" : "\(section).\(key)[\(i)]"
                guard security.allowPlaintext.contains(section) else {
                    throw ConfigError(
                        file: file.isEmpty ? "vigild.yaml" : file, key: at,
                        "\(endpoint) can be reached from other machines, and without security.server_certificate it would be plaintext: "
                            + "anyone could feed or read it; expected security.server_certificate (vigil keys new vigild), a loopback endpoint, "
                            + "or \(section).allow_plaintext: true")
                }
                warnings.append("\(at) \(endpoint) is plaintext and reachable from other machines (\(section).allow_plaintext: true): anyone who reaches it can \(section == "ingest" ? "feed it" : section == "control" ? "control the daemon" : "read the alerts")")
            }
        }
        return warnings
    }
}
