import ArgumentParser
import Foundation
import VigilConfig

/// Loads the daemon's configuration (`vigild.yaml` and the files beside it) as vigild does; on a
/// mistake, prints it (file, key, what was expected) and exits 78 (EX_CONFIG).
func loadConfiguration(_ path: String) throws -> VigilConfiguration {
    do { return try VigilConfiguration.load(path: path) } catch {
        FileHandle.standardError.write(Data("vigil: configuration error: \(error)\n".utf8))
        throw ExitCode(78)
    }
}
