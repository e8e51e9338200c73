import ArgumentParser
import Foundation
import VigilConfig

/// `vigil config check`: the whole configuration checked as vigild would check it at a start,
/// without a running daemon.
struct ConfigCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration without a running daemon.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load vigild.yaml and every file it names (zones, cameras, rules, keys) as vigild would; exit 78 naming the file and key at fault.",
            discussion: "PATH is a vigild.yaml, or a folder holding one. Endpoints reachable from other machines are checked as at a start.")

        @Argument(help: "A vigild.yaml, or the folder that holds it.")
        var path = "Config"

        func run() throws {
            var isFolder: ObjCBool = false
            let file = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                ? URL(fileURLWithPath: path).appendingPathComponent("vigild.yaml").path : path
            let configuration = try loadConfiguration(file)
            let warnings: [String]
            do { warnings = try configuration.checkEndpointSecurity() } catch {
                FileHandle.standardError.write(Data("vigil: configuration error: \(error)\n".utf8))
                throw ExitCode(78)
            }
            for warning in warnings { FileHandle.standardError.write(Data("vigil: warning: \(warning)\n".utf8)) }
            let borders = configuration.zones.filter { if case .line = $0.shape { return true } else { return false } }.count
            print(
                "\(file): ok: \(configuration.cameras.count) cameras, \(configuration.zones.count) zones (\(borders) border lines), "
                    + "\(configuration.rules.count) rules, \(configuration.security.isCurve ? "CURVE" : "plaintext") endpoints, "
                    + "\(configuration.settings.http.accounts.count) console accounts")
        }
    }
}
