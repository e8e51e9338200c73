import ArgumentParser
import Foundation
import VigilCore
import ZeroMQ

/// `vigil tail`: subscribes to the alert stream and prints each alert as one line of JSON.
struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print alerts as NDJSON, one per line, as they are published.",
        discussion: """
            Filters are topic prefixes (alert.<severity>.<sector>.<zone>), applied by ZeroMQ at the publisher. \
            --severity takes exact severities (repeatable); --min-severity takes a floor.
            """)

    @Option(name: .shortAndLong, help: "vigild's alert endpoint.")
    var endpoint = "tcp://127.0.0.1:7602"

    @Option(help: "Only these severities (repeatable): critical, high, medium, low.")
    var severity: [String] = []

    @Option(name: .customLong("min-severity"), help: "Only this severity and higher.")
    var minSeverity: String?

    @Option(help: "Only these sectors (repeatable), e.g. S12.")
    var sector: [String] = []

    @Option(help: "Exit after this many alerts.")
    var count: Int?

    @Option(help: "Exit after this many seconds.")
    var seconds: Double?

    func validate() throws {
        for name in severity + [minSeverity].compactMap({ $0 }) where Severity(rawValue: name) == nil {
            throw ValidationError("unknown severity \"\(name)\"; expected critical, high, medium or low")
        }
        for name in sector where !Identifier.isValid(name) {
            throw ValidationError("sector \"\(name)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
        }
    }

    /// The subscription prefixes for the filters: `alert.` for everything, else one prefix per
    /// severity (and sector).
    var prefixes: [String] {
        var wanted = Set(severity.compactMap(Severity.init(rawValue:)))
        if let floor = minSeverity.flatMap(Severity.init(rawValue:)) { wanted.formUnion(Severity.allCases.filter { $0 >= floor }) }
        if wanted.isEmpty && sector.isEmpty { return ["alert."] }
        let levels = wanted.isEmpty ? Severity.allCases : Severity.allCases.filter(wanted.contains)
        if sector.isEmpty { return levels.map { "alert.\($0.rawValue)." } }
        return levels.flatMap { level in sector.map { "alert.\(level.rawValue).\($0)." } }
    }

    func run() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .sub)
        defer { socket.close() }
        for prefix in prefixes { try socket.subscribe(prefix) }
        try socket.connect(endpoint)
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        var printed = 0
        while count.map({ printed < $0 }) ?? true {
            if let deadline, Date() >= deadline { break }
            guard try socket.waitForInput(timeoutMs: 200), let message = try socket.receiveMessage(dontWait: true) else { continue }
            guard message.count == 2 else { continue }
            FileHandle.standardOutput.write(Data(message[1] + [UInt8(ascii: "\n")]))
            printed += 1
        }
    }
}
