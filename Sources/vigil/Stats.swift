import ArgumentParser
import Foundation
import ZeroMQ

/// `vigil stats`: asks the running daemon for its counters.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the daemon's counters as JSON (received, rejected by reason, alerts, ...).")

    @Option(name: .shortAndLong, help: "vigild's control endpoint.")
    var endpoint = "tcp://127.0.0.1:7603"

    @Option(help: "Give up after this many seconds.")
    var timeout: Double = 3

    func run() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .req)
        defer { socket.close() }
        try socket.connect(endpoint)
        try socket.send([Array("stats".utf8)])
        guard try socket.waitForInput(timeoutMs: Int(timeout * 1_000)), let reply = try socket.receiveMessage(dontWait: true) else {
            FileHandle.standardError.write(Data("vigil: no answer from \(endpoint) within \(timeout) s; is vigild running?\n".utf8))
            throw ExitCode(69)
        }
        FileHandle.standardOutput.write(Data((reply.first ?? []) + [UInt8(ascii: "\n")]))
    }
}
