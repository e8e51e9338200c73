import ArgumentParser
import Foundation
import VigilConfig
import VigilCore

/// The `--zones FILE` option shared by `vigil zones where` and `vigil zones classify`.
struct ZonesFileOption: ParsableArguments {
    @Option(name: .customLong("zones"), help: "The zones GeoJSON file.")
    var path = "Config/zones.geojson"

    /// The zones, prepared; a file with errors exits with status 78 (EX_CONFIG), the message on stderr.
    func load() throws -> ZoneSet {
        do {
            return ZoneSet(zones: try ZonesFile.load(path: path))
        } catch {
            FileHandle.standardError.write(Data("vigil: \(error)\n(run `vigil zones check \(path)` to list every problem)\n".utf8))
            throw ExitCode(78)
        }
    }
}
