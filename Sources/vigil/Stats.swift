import ArgumentParser
import Foundation

/// `vigil stats`: asks the running daemon for its counters.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the daemon's counters as JSON (received, rejected by reason, alerts, ...).")

    @OptionGroup var endpoint: ControlEndpoint

    func run() throws {
        let reply = try Failure.exiting { try endpoint.reply("stats") }
        FileHandle.standardOutput.write(Data(reply + [UInt8(ascii: "\n")]))
    }
}
