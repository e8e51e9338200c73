import ArgumentParser
import Foundation
import VigilWire

/// `vigil stats`: asks the running daemon for its counters.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the daemon's counters as JSON (received, rejected by reason, alerts, ...).",
        discussion: """
            Frames that never arrived (ZeroMQ drops them silently at a high-water mark; their camera's seq \
            gaps tell) are engine.frames_missing, and per camera engine.frames_missing_by_camera; --missing \
            prints only those, one camera a line, most first.
            """)

    @OptionGroup var endpoint: ControlEndpoint
    @Flag(help: "Print only the frames missing per camera (seq gaps), one camera a line: id, frames.") var missing = false

    func run() throws {
        guard missing else {
            let reply = try Failure.exiting { try endpoint.reply("stats") }
            FileHandle.standardOutput.write(Data(reply + [UInt8(ascii: "\n")]))
            return
        }
        let stats = try Failure.exiting { () throws -> StatsMessage in
            let reply = try endpoint.okReply("stats")
            do { return try StatsMessage.decode(reply) } catch { throw Failure("the daemon's stats reply cannot be read: \(error)", code: 70) }
        }
        let byCamera = stats.engine.framesMissingByCamera
        guard !byCamera.isEmpty else {
            print("no frames missing")
            return
        }
        let width = byCamera.keys.map(\.count).max() ?? 0
        for (camera, frames) in byCamera.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            print(camera.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(frames)")
        }
    }
}
