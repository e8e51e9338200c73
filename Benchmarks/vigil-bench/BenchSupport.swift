import ArgumentParser
import Foundation
import VigilConfig
import VigilCore

/// The first border line of `configuration` (loaded from `path`): the line the benchmarks' loads
/// cross. A configuration without one is an error naming the file.
func borderLine(of configuration: VigilConfiguration, path: String) throws -> Polyline {
    guard let border = configuration.zones.lazy.compactMap({ zone -> Polyline? in
        if case .line(let line, _) = zone.shape { return line }
        return nil
    }).first else { throw ValidationError("\(path): no border zone") }
    return border
}

/// Starts the executable at `path` with `arguments` (the system under test: vigild, or the forwarder).
func spawnProcess(_ path: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    try process.run()
    return process
}
