import Dispatch
import Foundation
import Logging
import VigilConfig
import VigilHTTP
import VigilPipeline

/// Reads the configuration again and puts it in force while vigild runs: on SIGHUP, and on the
/// control socket's `reload` (`vigil reload`). One at a time.
///
/// The files are read and checked whole first: a mistake refuses the reload (the message names
/// the file and key) and the running configuration stays. Then the cameras, zones and rules go
/// into force between two batches, carrying the running state over (no frame dropped, no open
/// incident lost or raised again), or the reload is refused with why (a change that takes a
/// restart); then the key lists and camera rights, and the console's accounts and map.
/// Endpoints, the journal's and the pipeline's settings take effect at the next start.
struct Reloader: Sendable {
    let path: String
    /// `--exercise`, kept across reloads.
    let exercise: Bool
    let handle: DaemonHandle
    let http: HTTPServer?
    let logger: Logger
    private static let queue = DispatchQueue(label: "vigil.reload")

    /// Reloads, for `cause` (`SIGHUP`, or the operator of a `reload` request); returns what it
    /// did, one line each, or why not.
    func reload(cause: String) -> Result<[String], ReloadRefusal> {
        Self.queue.sync {
            let result = apply()
            switch result {
            case .success(let notes):
                for note in notes { logger.notice("reload: \(note)", metadata: ["by": "\(cause)"]) }
                logger.notice("reloaded the configuration", metadata: ["config": "\(path)", "by": "\(cause)"])
            case .failure(let refusal):
                logger.error("reload refused, the running configuration stays: \(refusal)", metadata: ["config": "\(path)", "by": "\(cause)"])
            }
            return result
        }
    }

    private func apply() -> Result<[String], ReloadRefusal> {
        guard let daemon = handle.current else { return .failure(ReloadRefusal("vigild is still resuming its journaled state; reload once it is ready")) }
        var configuration: VigilConfiguration
        do { configuration = try VigilConfiguration.load(path: path) } catch {
            return .failure(ReloadRefusal("\(error)"))
        }
        if exercise { configuration.settings.engine.exercise = true }
        if let refusal = daemon.reloadEngine(configuration) { return .failure(ReloadRefusal(refusal)) }
        var notes = [
            "cameras (\(configuration.cameras.count)), zones (\(configuration.zones.count)) and rules (\(configuration.rules.count)) in force; open incidents carried over"
        ]
        notes += daemon.reloadSecurity(configuration.security)
        if let http {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            http.reload(
                settings: configuration.settings.http,
                site: ConsoleSite(
                    zones: configuration.zonesPath, cameras: configuration.camerasPath,
                    places: folder.appendingPathComponent("data/iraq-syria/places.geojson").path, exercise: configuration.settings.engine.exercise))
            notes.append("console accounts (\(configuration.settings.http.accounts.count)) and map in force")
        }
        notes.append("endpoints, journal, pipeline and HTTP bind settings take effect at the next start")
        return .success(notes)
    }
}
