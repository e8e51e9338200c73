import Foundation
import VigilConfig

/// The configuration loaders' fuzz target (`Fuzz/config`): every input is read as each of the
/// four files `vigild` loads, with the checks each load makes:
///
/// - `vigild.yaml`: ``DaemonSettings/parse(_:file:)`` (Yams, then the settings' keys, kinds
///   and ranges);
/// - `rules.yaml`: ``RulesFile/parseContents(_:file:zones:)`` against the default zones;
/// - `zones.geojson`: ``ZonesFile/parse(data:file:)`` (every problem `vigil zones check` lists);
/// - `cameras.geojson`: ``CamerasFile/parse(data:file:)``.
///
/// The YAML files are read only when the input is UTF-8, as a file is (`String(contentsOfFile:)`
/// refuses anything else).
public enum ConfigFuzz {
    /// Loads the default zones before the first input.
    public static func prepare() {
        _ = FuzzSetup.shared
    }

    /// Runs one input (any bytes).
    public static func run(_ data: UnsafeRawBufferPointer) {
        if let text = String(bytes: data, encoding: .utf8) {
            _ = try? DaemonSettings.parse(text, file: "vigild.yaml")
            _ = try? RulesFile.parseContents(text, file: "rules.yaml", zones: FuzzSetup.shared.zones)
        }
        let bytes = Data(data)
        _ = try? ZonesFile.parse(data: bytes, file: "zones.geojson")
        _ = try? CamerasFile.parse(data: bytes, file: "cameras.geojson")
    }
}
