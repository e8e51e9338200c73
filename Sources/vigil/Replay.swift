import ArgumentParser
import Foundation
import VigilCapture
import VigilClient
import VigilConfig
import VigilCore

/// `vigil replay FILE`: runs a capture (`vigil record`) through the alert engine as the daemon
/// would, and prints the alerts it gives.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a capture through the alert engine as vigild would, and print the alerts as NDJSON.",
        discussion: """
            Builds the engine from --config exactly as vigild does and replays the capture as fast as it can, \
            with the capture's recv_ms as the wall clock: validation as ingest does it (rejections counted by \
            reason), each message processed at its recv_ms, expiry after every batch (the messages received in \
            the same millisecond) and every 500 ms of recorded time, as vigild's timer. Alerts are numbered from \
            seq 1 and stamped with the recv_ms of the message that caused them as emitted_ts, so the same \
            capture and configuration always give the same output, byte for byte.

            --silences FILE applies silences as vigild does (the engine and the silences are one processor, \
            the same code in both): FILE is vigild's <state.dir>/silences.json, or what `vigil silence list \
            --json` prints. A silence is in force from the start of the replay until its expires_ms in \
            recorded time; alerts it holds back are counted as silenced and not printed.

            No time is simulated after the last message: incidents still open at the end stay open, and the \
            summary lists them. The summary goes to standard error. Exit status: 65 for a bad line in the \
            capture (the message names the file and line), 66 when it cannot be read, 78 for a configuration \
            error.
            """)

    /// What goes to standard output.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// Each alert as the contract's JSON, one a line.
        case json
        /// Nothing: the summary only.
        case none
    }

    @Argument(help: ArgumentHelp("The capture file (from `vigil record`); - for standard input.", valueName: "file"))
    var file: String

    @Option(name: .shortAndLong, help: "The daemon's settings file; zones, cameras and rules are read beside it.")
    var config = "Config/vigild.yaml"

    @Option(help: "json: the alerts as NDJSON on standard output; none: only the summary.")
    var format: Format = .json

    @Flag(help: "Write the summary as one JSON object on standard error instead of text.")
    var jsonSummary = false

    @Option(help: ArgumentHelp("Silences to apply: vigild's silences.json, or `vigil silence list --json` output.", valueName: "file"))
    var silences: String?

    func run() throws {
        let configuration = try loadConfiguration(config)
        let reader: CaptureReader
        do {
            reader = try CaptureReader(path: file)
        } catch {
            note("\(error)")
            throw ExitCode(error.line == nil ? 66 : 65)  // EX_NOINPUT, EX_DATAERR
        }
        defer { reader.close() }
        var replayer = Replayer(configuration: configuration, silences: try silences.map(Self.loadSilences) ?? [])
        var output = StandardOutput()
        let startedNs = MonotonicClock.nowNs()
        let printing = format == .json
        var failure: CaptureError?
        do {
            try replayer.run(reader) { alert in
                if printing { output.appendLine(AlertEncoder.encode(alert)) }
            }
        } catch {
            failure = error
        }
        output.flush()
        let seconds = Double(MonotonicClock.nowNs() - startedNs) / 1e9
        let summary = replayer.summary
        note(jsonSummary ? Self.json(summary, seconds: seconds) : Self.text(summary, file: file, seconds: seconds), prefixed: !jsonSummary)
        if let failure {
            note("\(failure)")
            throw ExitCode(failure.line == nil ? 66 : 65)
        }
    }

    /// The silences in `path`: an object with a `silences` array (vigild's silences.json) or a
    /// bare array (`vigil silence list --json`), each silence as the control socket writes it.
    static func loadSilences(_ path: String) throws -> [Silence] {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            FileHandle.standardError.write(Data("vigil replay: cannot read the silences in \(path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(66)  // EX_NOINPUT
        }
        do {
            let isArray = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
            let messages = try isArray ? SilenceMessage.decodeList(Array(#"{"silences":"#.utf8) + bytes + [UInt8(ascii: "}")], key: "silences")
                : SilenceMessage.decodeList(bytes, key: "silences")
            return try messages.map { (message) throws(RequestRefusal) in try Silence(message) }
        } catch {
            FileHandle.standardError.write(Data("vigil replay: the silences in \(path) cannot be read: \(error)\n".utf8))
            throw ExitCode(65)  // EX_DATAERR
        }
    }

    private func note(_ message: String, prefixed: Bool = true) {
        FileHandle.standardError.write(Data(((prefixed ? "vigil replay: " : "") + message + "\n").utf8))
    }

    /// Rejections in the order of ``RejectReason/allCases``.
    private static func rejections(_ summary: ReplaySummary) -> [(RejectReason, UInt64)] {
        RejectReason.allCases.compactMap { reason in summary.rejected[reason].map { (reason, $0) } }
    }

    /// The summary for people: counts, rejections by reason, alerts by state, open incidents.
    static func text(_ summary: ReplaySummary, file: String, seconds: Double) -> String {
        var lines: [String] = []
        var span = ""
        if let first = summary.firstReceivedMs, let last = summary.lastReceivedMs {
            span = String(format: ", %.1f s of recorded time", (Double(last) - Double(first)) / 1_000)
        }
        lines.append("\(file): \(summary.messages) messages\(span)")
        let rejected = rejections(summary)
        let total = rejected.reduce(0) { $0 + $1.1 }
        var frames = "  accepted \(summary.accepted), duplicates \(summary.duplicates), rejected \(total)"
        if !rejected.isEmpty { frames += " (" + rejected.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ") + ")" }
        if summary.notSubscribed > 0 { frames += ", not subscribed \(summary.notSubscribed)" }
        lines.append(frames)
        lines.append("  alerts \(summary.alerts): raised \(summary.raised), updated \(summary.updated), resolved \(summary.resolved)")
        if summary.silenced > 0 { lines.append("  silenced (held back, not printed): \(summary.silenced)") }
        if summary.expiryTicksSkipped > 0 {
            lines.append(
                "  \(summary.expiryTicksSkipped) timer ticks run as one: recorded time jumped more than "
                    + "\(Replayer.maxSimulatedGapMs / 3_600_000) h without a message")
        }
        if summary.openIncidents.isEmpty {
            lines.append("  open at the end: none")
        } else {
            lines.append("  open at the end (no time is simulated after the last message): \(summary.openIncidents.count)")
            for event in summary.openIncidents {
                lines.append(
                    "    \(event.id) \(event.kind) \(event.severity.rawValue) \(event.objectClass.rawValue) count \(event.count) "
                        + "zone \(event.zone) last_ts \(event.lastTs)")
            }
        }
        let rate = seconds > 0 ? Double(summary.messages) / seconds : 0
        lines.append(String(format: "  replayed in %.3f s (%.0f messages/s)", seconds, rate))
        return lines.joined(separator: "\n")
    }

    /// The summary as one JSON object (keys sorted).
    static func json(_ summary: ReplaySummary, seconds: Double) -> String {
        let object: [String: Any] = [
            "messages": summary.messages, "not_subscribed": summary.notSubscribed, "accepted": summary.accepted,
            "duplicates": summary.duplicates,
            "rejected": Dictionary(uniqueKeysWithValues: rejections(summary).map { ($0.0.rawValue, $0.1) }),
            "alerts": ["raised": summary.raised, "updated": summary.updated, "resolved": summary.resolved],
            "silenced": summary.silenced,
            "open_incidents": summary.openIncidents.map { event in
                [
                    "id": event.id, "state": event.state.rawValue, "kind": event.kind, "severity": event.severity.rawValue,
                    "count": event.count, "zone": event.zone, "last_ts": event.lastTs,
                ] as [String: Any]
            },
            "first_recv_ms": summary.firstReceivedMs as Any? ?? NSNull(), "last_recv_ms": summary.lastReceivedMs as Any? ?? NSNull(),
            "seconds": (seconds * 1_000).rounded() / 1_000,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Standard output, written in blocks of about 1 MiB.
private struct StandardOutput {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 20 + 4_096) }

    /// Appends `line` and a newline.
    mutating func appendLine(_ line: [UInt8]) {
        bytes.append(contentsOf: line)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
