import Foundation
import Testing
import VigilConfig
import VigilCore

private let configFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Config")

/// The loaders that take a file's contents (the configuration fuzz target's entries) read what
/// the loaders that take a path read, and refuse what they refuse.
@Suite struct ConfigTextTests {
    static func path(_ name: String) -> String { configFolder.appendingPathComponent(name).path }

    @Test func theDefaultFilesReadTheSameFromText() throws {
        let configuration = try VigilConfiguration.load(path: Self.path("vigild.yaml"))
        let settings = try DaemonSettings.parse(String(contentsOfFile: Self.path("vigild.yaml"), encoding: .utf8), file: "vigild.yaml")
        #expect(settings == configuration.settings)

        let zones = try ZonesFile.parse(data: Data(contentsOf: configFolder.appendingPathComponent("zones.geojson")), file: "zones.geojson")
        #expect(zones.map(\.id) == configuration.zones.map(\.id))
        let cameras = try CamerasFile.parse(data: Data(contentsOf: configFolder.appendingPathComponent("cameras.geojson")), file: "cameras.geojson")
        #expect(cameras == configuration.cameras)
        let rules = try RulesFile.parseContents(String(contentsOfFile: Self.path("rules.yaml"), encoding: .utf8), file: "rules.yaml", zones: zones)
        #expect(rules.rules == configuration.rules && rules.siteTime == configuration.siteTime)
    }

    @Test func mistakesInTextNameTheFileAndKey() {
        #expect(throws: ConfigError.self) { try DaemonSettings.parse("ingest:\n  bnid: x\n", file: "a.yaml") }
        do {
            _ = try DaemonSettings.parse("ingest:\n  batch_size: 0\n", file: "a.yaml")
            Issue.record("batch_size 0 was taken")
        } catch {
            #expect(error.file == "a.yaml" && error.key.contains("batch_size"))
        }
        #expect(throws: ConfigError.self) { try DaemonSettings.parse("ingest: [", file: "a.yaml") }
        #expect(throws: ConfigError.self) { try ZonesFile.parse(data: Data("{}".utf8), file: "z.geojson") }
        #expect(throws: ConfigError.self) { try CamerasFile.parse(data: Data(#"{"type":"FeatureCollection","features":[]}"#.utf8), file: "c.geojson") }
        #expect(throws: ConfigError.self) { try RulesFile.parseContents("rules: 7\n", file: "r.yaml", zones: []) }
    }
}
