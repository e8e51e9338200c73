import Foundation
import Testing
import VigilConfig
import VigilCore

private let configFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Config")

/// Writes `files` into a fresh folder beside copies of the default zones and cameras, and
/// returns the folder.
private func folder(with files: [String: String]) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for name in ["zones.geojson", "cameras.geojson", "rules.yaml", "vigild.yaml"] {
        try FileManager.default.copyItem(at: configFolder.appendingPathComponent(name), to: dir.appendingPathComponent(name))
    }
    for (name, text) in files {
        try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return dir
}

private func loadError(_ files: [String: String]) throws -> ConfigError? {
    let dir = try folder(with: files)
    do {
        _ = try VigilConfiguration.load(path: dir.appendingPathComponent("vigild.yaml").path)
        return nil
    } catch {
        return error
    }
}

@Suite struct ConfigLoadingTests {
    @Test func theDefaultConfigurationLoads() throws {
        let configuration = try VigilConfiguration.load(path: configFolder.appendingPathComponent("vigild.yaml").path)
        #expect(configuration.cameras.count >= 60)
        // Every value is the documented default but the console's demo accounts (there are none by default).
        var settings = configuration.settings
        #expect(settings.http.accounts.map(\.name) == ["operator", "supervisor"])
        settings.http.accounts = []
        #expect(settings == DaemonSettings(), "vigild.yaml states the documented defaults")
        let border = try #require(configuration.zones.first { $0.kind == .border })
        guard case .line(let line, let names) = border.shape else {
            Issue.record("the border is not a line")
            return
        }
        #expect(names == SideNames(left: "SY", right: "IQ"))
        #expect(abs(line.length - 598_950) < 1_000, "the border is about 599 km: \(line.length)")
        #expect(configuration.zones.contains { $0.kind == .strip })
        #expect(configuration.zones.contains { $0.kind == .buffer })
        #expect(configuration.zones.filter { $0.kind == .town }.count >= 3)
        #expect(configuration.rules.contains { $0.action == .alert(kind: "border_crossing", severity: .critical) })
        let sectors = Set(configuration.cameras.map(\.sector))
        #expect(sectors.allSatisfy(Identifier.isValid))
    }

    @Test func sidesOfTheDefaultBorderAreSyriaWestAndIraqEast() throws {
        let zones = ZoneSet(zones: try ZonesFile.load(path: configFolder.appendingPathComponent("zones.geojson").path))
        let border = zones.zones[zones.borderIndices[0]]
        guard case .line(let line, let names) = border.shape else { return }
        // Al-Qaim (Iraq) and Abu Kamal (Syria), both within 10 km of the line.
        #expect(line.proximity(of: GeoPoint(lat: 34.39251, lon: 40.98945)).map { names.name(of: $0.side) } == "IQ")
        #expect(line.proximity(of: GeoPoint(lat: 34.45226, lon: 40.91854)).map { names.name(of: $0.side) } == "SY")
    }

    @Test func anUnknownKeyIsNamedWithItsPath() throws {
        let error = try #require(try loadError(["vigild.yaml": "ingest:\n  bnid: [\"tcp://127.0.0.1:1\"]\n"]))
        #expect(error.file.hasSuffix("vigild.yaml"))
        #expect(error.key == "ingest.bnid")
        #expect(error.message.contains("unknown key"))
    }

    @Test func aBadEndpointIsNamedWithItsIndex() throws {
        let error = try #require(try loadError(["vigild.yaml": "publish:\n  bind: [\"tcp://127.0.0.1:1\", \"localhost:80\"]\n"]))
        #expect(error.key == "publish.bind[1]")
        #expect(error.message.contains("not a ZeroMQ endpoint"))
    }

    @Test func crossingConfirmationOverTheContractBoundIsRefused() throws {
        let error = try #require(try loadError(["vigild.yaml": "tracking:\n  crossing_confirm_m: 250\n"]))
        #expect(error.key == "tracking.crossing_confirm_m")
        #expect(error.message.contains("1.0 to 100.0"))
    }

    @Test func groupSettingsAreReadAndANegativeRadiusIsRefused() throws {
        let dir = try folder(with: ["vigild.yaml": "incidents:\n  group_radius_m: 40\n  group_velocity_tolerance_mps: 0.5\n  group_split_m: 200\n"])
        let engine = try VigilConfiguration.load(path: dir.appendingPathComponent("vigild.yaml").path).settings.engine
        #expect(engine.groupRadiusM == 40 && engine.groupVelocityToleranceMps == 0.5 && engine.groupSplitM == 200)
        let error = try #require(try loadError(["vigild.yaml": "incidents:\n  group_radius_m: -5\n"]))
        #expect(error.key == "incidents.group_radius_m")
    }

    @Test func theConnectionLimitIsReadAndOneTooSmallIsRefused() throws {
        #expect(SecuritySettings().maxConnections == 1_000)
        let dir = try folder(with: ["vigild.yaml": "security:\n  max_connections: 64\n"])
        #expect(try VigilConfiguration.load(path: dir.appendingPathComponent("vigild.yaml").path).security.maxConnections == 64)
        let error = try #require(try loadError(["vigild.yaml": "security:\n  max_connections: 4\n"]))
        #expect(error.file.hasSuffix("vigild.yaml") && error.key == "security.max_connections")
        #expect(error.message.contains("16"))
    }

    @Test func anInvalidRuleIsReportedWithItsIndexAndKey() throws {
        let rules = "rules:\n  - name: ok\n    classes: [animal]\n    suppress: true\n  - name: bad\n    event: cross\n    alert: {kind: border_crossing, severity: urgent}\n"
        let error = try #require(try loadError(["rules.yaml": rules]))
        #expect(error.file.hasSuffix("rules.yaml"))
        #expect(error.key == "rules[1].alert.severity")
        #expect(error.message.contains("critical"))
    }

    @Test func theDefaultRulesUseEveryRuleFeature() throws {
        let configuration = try VigilConfiguration.load(path: configFolder.appendingPathComponent("vigild.yaml").path)
        #expect(configuration.siteTime.name == "Asia/Baghdad")
        // Baghdad has kept UTC+3 all year since 2008.
        #expect(configuration.siteTime.offsetSeconds(at: 1_795_228_380_000) == 3 * 3_600)
        let rules = Dictionary(uniqueKeysWithValues: configuration.rules.map { ($0.name, $0) })
        #expect(rules["town-by-day"]?.schedule == Schedule(windows: [.init(from: 6 * 60, to: 18 * 60)]))
        #expect(rules["town-at-night"]?.schedule == Schedule(windows: [.init(from: 18 * 60, to: 6 * 60)]))
        #expect(rules["town-at-night"]?.minCount == 3)
        #expect(rules["town-at-night"]?.repeatIntervalSeconds == 60)
        #expect(rules["crossing"]?.inhibits == ["intrusion"])
        #expect(rules["restricted-area"]?.escalations == [.init(minCount: 3, severity: .high)])
        #expect(rules["camera-offline"]?.events == [.cameraOffline])
        #expect(rules["coverage-gap"]?.action == .alert(kind: "coverage_gap", severity: .critical))
        #expect(configuration.settings.engine.offlineAfterMs == 30_000)
    }

    /// Each mistake a rule can hold, named by the rule's index and the key at fault.
    @Test(arguments: [
        ("  - name: a\n    event: cross\n    min_count: 0\n    alert: {kind: x, severity: low}\n", "rules[0].min_count", "from 1 to 10000"),
        ("  - name: a\n    event: cross\n    schedule: {from: \"25:00\", to: \"06:00\"}\n    suppress: true\n", "rules[0].schedule.from", "HH:MM"),
        ("  - name: a\n    schedule: nights\n    suppress: true\n", "rules[0].schedule", "no schedule named \"nights\""),
        ("  - name: a\n    event: camera_offline\n    classes: [person]\n    alert: {kind: x, severity: low}\n", "rules[0].classes", "camera event"),
        ("  - name: a\n    event: enter\n    after_s: 5\n    alert: {kind: x, severity: low}\n", "rules[0].after_s", "dwell only"),
        ("  - name: a\n    suppress: true\n    escalate: [{min_count: 3, severity: high}]\n", "rules[0].escalate", "alert rules only"),
        ("  - name: a\n    alert: {kind: x, severity: low}\n    escalate: [{min_count: 1, severity: high}]\n", "rules[0].escalate[0].min_count", "from 2"),
        ("  - name: a\n    alert: {kind: x, severity: low}\n    inhibits: [y]\n", "rules[0].inhibits", "no rule raises kind \"y\""),
        ("  - name: a\n    alert: {kind: x, severity: low}\n    inhibits: [x]\n", "rules[0].inhibits", "its own kind"),
        ("  - name: a\n    alert: {kind: x, severity: low}\n    inhibits: [y]\n  - name: b\n    alert: {kind: y, severity: low}\n    inhibits: [x]\n",
         "rules[1].inhibits", "inhibit each other"),
        ("  - name: a\n    cameras: [\"\"]\n    suppress: true\n", "rules[0].cameras", "camera id or id prefix"),
        ("  - name: a\n    repeat_interval_s: -1\n    alert: {kind: x, severity: low}\n", "rules[0].repeat_interval_s", "from 0"),
    ])
    func everyRuleMistakeIsNamedWithTheRuleIndexAndKey(rule: String, key: String, message: String) throws {
        let error = try #require(try loadError(["rules.yaml": "schedules:\n  night: {from: \"18:00\", to: \"06:00\"}\nrules:\n" + rule]))
        #expect(error.file.hasSuffix("rules.yaml"))
        #expect(error.key == key)
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func anUnknownTimeZoneIsNamed() throws {
        let error = try #require(try loadError(["rules.yaml": "timezone: Asia/Atlantis\nrules: []\n"]))
        #expect(error.key == "timezone")
        #expect(error.message.contains("Asia/Atlantis"))
    }

    @Test func healthSettingsAreRead() throws {
        let dir = try folder(with: ["vigild.yaml": "health:\n  offline_after_s: 4\n  min_gap_m: 250\nsite:\n  exercise: true\nstate:\n  dir: /tmp/x\n"])
        let configuration = try VigilConfiguration.load(path: dir.appendingPathComponent("vigild.yaml").path)
        #expect(configuration.settings.engine.offlineAfterMs == 4_000)
        #expect(configuration.settings.engine.coverageGapMinM == 250)
        #expect(configuration.settings.engine.exercise)
        #expect(configuration.settings.stateDirectory == "/tmp/x")
        let error = try #require(try loadError(["vigild.yaml": "health:\n  offline_after_s: 0\n"]))
        #expect(error.key == "health.offline_after_s")
    }

    @Test func aRuleNamingAMissingZoneIsRefused() throws {
        let error = try #require(try loadError(["rules.yaml": "rules:\n  - zone: nowhere\n    suppress: true\n"]))
        #expect(error.key == "rules[0].zone")
    }

    @Test func aDuplicateCameraIdNamesTheFeature() throws {
        let cameras = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[42.0,36.0]},"properties":{"id":"cam-a","sector":"S01","heading_deg":270,"fov_deg":90,"range_m":4000}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[42.0,36.1]},"properties":{"id":"cam-a","sector":"S01","heading_deg":270,"fov_deg":90,"range_m":4000}}]}
            """
        let error = try #require(try loadError(["cameras.geojson": cameras]))
        #expect(error.key == "features[1] (id cam-a).properties.id")
        #expect(error.message.contains("duplicate"))
    }

    @Test func aZoneWithAnUnknownKindOrAnOpenRingIsNamed() throws {
        let unknownKind = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[42,36]},"properties":{"id":"z1","kind":"moat","radius_m":10}}]}"#
        let kindError = try #require(try loadError(["zones.geojson": unknownKind]))
        #expect(kindError.key == "features[0] (id z1).properties.kind")
        let openRing = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[42,36],[42.1,36],[42.1,36.1],[42,36.2]]]},"properties":{"id":"z2","kind":"restricted"}}]}"#
        let ringError = try #require(try loadError(["zones.geojson": openRing]))
        #expect(ringError.key == "features[0] (id z2).geometry.coordinates[0]")
        #expect(ringError.message.contains("not closed"))
    }
}
