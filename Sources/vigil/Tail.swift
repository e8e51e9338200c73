import ArgumentParser
import Foundation
import VigilCAP
import VigilClient
import VigilCore
import ZeroMQ

/// `vigil tail`: subscribes to the alert stream and prints each alert as one line: the JSON as
/// published, an OASIS CAP 1.2 XML document, or text for an operator at a terminal. With
/// `--resume STATEFILE` it also catches up from the daemon's journal and keeps its position in
/// STATEFILE, so that across its own restarts it prints every alert exactly once
/// (``ResumingTail``). With `--stdin` it converts alert NDJSON read from standard input instead
/// (another command's output, a recording).
struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print alerts as they are published, one per line: NDJSON, CAP 1.2 XML, or text for a terminal.",
        discussion: """
            Filters are topic prefixes (alert.<severity>.<sector>.<zone>), applied by ZeroMQ at the publisher \
            (with --stdin, to each alert's topic). --severity takes exact severities (repeatable); --min-severity \
            takes a floor.

            --format cap writes each alert as one OASIS CAP 1.2 <alert> document on one line (scope Restricted; \
            status Exercise for alerts marked as an exercise, as vigild --exercise marks them, else Actual, unless \
            --status forces Exercise or Test; raised -> Alert, updated -> Update and resolved -> Update/AllClear, \
            both referencing the incident's earlier messages seen in this run). --stdin reads \
            alert messages, one JSON object a line, from standard input instead of subscribing, e.g. \
            `vigil tail --format cap --stdin < alerts.ndjson`; a line that is not an alert message is reported \
            on standard error with its line number and skipped, and the exit status is then 65.

            --format text writes each alert as one line for an operator: the event time (last_ts, UTC), \
            severity, kind, state, where (near the nearest named place within 25 km, and the km of border \
            where the position projects onto the border line of --config; a coverage_gap's stretch), the \
            direction, count and class, cameras, zone, and EXERCISE for exercise alerts, e.g. \
            `2026-11-21 02:33:07Z CRITICAL border_crossing raised    near Rabia (IQ), km 553.0  SY->IQ  \
            3 person  cam-rabia-03, cam-rabia-04  zone iq-sy-border`. A configuration or places file that \
            cannot be read is reported once on standard error and the lines go without place or km. \
            --color auto (the default) colours severities and dims resolved alerts when standard output is \
            a terminal, NO_COLOR is unset or empty and TERM is not dumb; always and never force it.

            --resume STATEFILE follows the README's consumer algorithm: subscribe (to the filters and to heartbeat), \
            then ask --catchup for every alert after the seq saved in STATEFILE, page by page, then read the \
            subscription, catching up again whenever a seq jumps or a heartbeat's latest_seq is not the position. \
            After each batch of lines is written, STATEFILE is replaced atomically with the last seq and, when \
            standard output is a regular file, its device, inode and size; a restart cuts that same file back to \
            the recorded size (lines written but not recorded are printed again), so even after SIGKILL every alert \
            is printed exactly once (append with >>). When standard output is a pipe the guarantee is at least \
            once: a batch written in the microseconds before a kill can come again; drop any seq at or below the \
            last you have. A journal that ends before the saved seq (reset) is reported and read from its start; \
            alerts removed by retention are reported with their range; neither alerts nor heartbeats for 5 \
            --heartbeat-s intervals is reported once ("no heartbeat from vigild for N s"). With filters, each \
            catch-up request carries the prefixes' longest common prefix and the alerts are filtered locally. A \
            STATEFILE that cannot be read exits 66, one that is not a position 65; one that cannot be written 73.
            """)

    /// What each alert is printed as.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// The alert message as published (CONTRACT.md section 2), one JSON object a line.
        case json
        /// One CAP 1.2 XML document a line.
        case cap
        /// One line of text for an operator at a terminal (``AlertTextFormatter``).
        case text
    }

    @Option(name: .shortAndLong, help: "vigild's alert endpoint.")
    var endpoint = "tcp://127.0.0.1:7602"

    @Option(help: "vigild's catch-up endpoint (with --resume).")
    var catchup = "tcp://127.0.0.1:7604"

    @Option(help: ArgumentHelp("Catch up from the journal and keep the position in this file: every alert exactly once across restarts.", valueName: "statefile"))
    var resume: String?

    @Option(name: .customLong("heartbeat-s"), help: "vigild's publish.heartbeat_s; with --resume, 5 intervals without a word from vigild are reported.")
    var heartbeatSeconds: Double = 1

    @Option(help: "Only these severities (repeatable): critical, high, medium, low.")
    var severity: [String] = []

    @Option(name: .customLong("min-severity"), help: "Only this severity and higher.")
    var minSeverity: String?

    @Option(help: "Only these sectors (repeatable), e.g. S12.")
    var sector: [String] = []

    @Option(help: "Exit after this many alerts.")
    var count: Int?

    @Option(help: "Exit after this many seconds (not with --stdin).")
    var seconds: Double?

    @Option(help: "Output format: json (NDJSON, as published), cap (OASIS CAP 1.2 XML, one document a line) or text (one line for a terminal).")
    var format: Format = .json

    @OptionGroup var keys: ClientKeys

    @Flag(help: "Read alert messages (NDJSON) from standard input instead of subscribing.")
    var stdin = false

    @OptionGroup(title: "CAP output (--format cap)")
    var cap: CAPArguments

    @OptionGroup(title: "Text output (--format text)")
    var text: TextArguments

    func validate() throws {
        for name in severity + [minSeverity].compactMap({ $0 }) where Severity(rawValue: name) == nil {
            throw ValidationError("unknown severity \"\(name)\"; expected critical, high, medium or low")
        }
        for name in sector where !Identifier.isValid(name) {
            throw ValidationError("sector \"\(name)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
        }
        if stdin && seconds != nil { throw ValidationError("--seconds applies to the subscription, not to --stdin") }
        if stdin && resume != nil { throw ValidationError("--resume applies to the subscription, not to --stdin") }
        if resume?.isEmpty == true { throw ValidationError("--resume needs a file name") }
        guard heartbeatSeconds > 0 && heartbeatSeconds.isFinite else { throw ValidationError("--heartbeat-s must be positive") }
        if let seconds, !(seconds >= 0 && seconds.isFinite) { throw ValidationError("--seconds must be a number of seconds, 0 or more") }
        if format == .cap {
            if let problem = cap.options.problem { throw ValidationError(problem) }
        } else if cap.isUsed {
            throw ValidationError("--sender, --sender-name, --status, --restriction and the radius options need --format cap")
        }
        if format != .text && text.isUsed { throw ValidationError("--config, --places and --color need --format text") }
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
        var printer = Printer(
            writer: format == .cap ? CAPWriter(options: cap.options) : nil,
            text: format == .text ? text.lines(warn: Self.warn) : nil)
        if stdin {
            try convertStandardInput(&printer)
        } else if let resume {
            var tail = ResumingTail<Printer>(
                alertEndpoint: endpoint, catchUpEndpoint: catchup, statePath: resume, prefixes: prefixes, count: count, seconds: seconds,
                heartbeatSeconds: heartbeatSeconds, security: try Failure.exiting { try keys.security() }, note: { Self.warn("vigil: \($0)") })
            try Failure.exiting { try tail.run(&printer) }
        } else {
            try subscribe(&printer)
        }
    }

    /// Prints what the daemon publishes until `--count` or `--seconds`.
    private func subscribe(_ printer: inout Printer) throws {
        let context = try ZMQContext()
        var plan = SocketPlan(.sub)
        plan.security = try Failure.exiting { try keys.security() }
        plan.subscribe = prefixes
        plan.connect = [endpoint]
        let socket = try context.open(plan)
        defer { socket.close() }
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        while count.map({ printer.printed < $0 }) ?? true {
            if let deadline, Date() >= deadline { break }
            guard try socket.waitForInput(timeoutMs: 200), let message = try socket.receiveMessage(dontWait: true) else { continue }
            guard message.count == 2 else { continue }
            do {
                try printer.print(message[1])
            } catch {
                Self.warn("vigil: alert on \(String(decoding: message[0], as: UTF8.self)) skipped: \(error)")
            }
            try Failure.exiting { _ = try printer.flush() }
        }
    }

    /// Prints the alert messages of standard input that pass the filters, until its end or `--count`.
    private func convertStandardInput(_ printer: inout Printer) throws {
        let prefixes = prefixes
        var lineNumber = 0
        var skipped = 0
        while count.map({ printer.printed < $0 }) ?? true, let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            do {
                let alert = try AlertMessage.decode(line)
                guard prefixes.contains(where: { alert.topic.hasPrefix($0) }) else { continue }
                printer.print(alert, json: Array(line.utf8))
            } catch {
                Self.warn("vigil: standard input line \(lineNumber) skipped: \(error)")
                skipped += 1
            }
            try Failure.exiting { _ = try printer.flush() }
        }
        if skipped > 0 {
            Self.warn("vigil: \(skipped) line(s) of standard input were not alert messages")
            throw ExitCode(65)  // EX_DATAERR
        }
    }
}

extension Tail {
    /// Writes alerts to standard output, one line each: the JSON as it came, a CAP document, or a
    /// line of text. Lines are held until ``flush()``, which writes them with one write(2) call;
    /// the output of ``ResumingTail`` with `--resume`.
    struct Printer: TailOutput {
        /// The CAP writer for `--format cap`, else nil.
        var writer: CAPWriter?
        /// The text lines for `--format text`, else nil. With neither, the JSON is printed.
        var text: TextLines?
        /// Alerts printed so far (including those held for the next ``flush()``).
        private(set) var printed = 0
        /// Lines not yet written.
        private var pending: [UInt8] = []

        /// A printer writing CAP with `writer`, text with `text`, else JSON (not both).
        init(writer: CAPWriter?, text: TextLines?) {
            precondition(writer == nil || text == nil, "one format at a time")
            self.writer = writer
            self.text = text
        }

        /// Alerts printed so far, as ``ResumingTail`` counts them.
        var taken: Int { printed }

        /// Writes the lines held, all at once; returns whether there were any. A
        /// ``VigilClientError`` (exit status 74) when standard output refuses them.
        @discardableResult
        mutating func flush() throws(VigilClientError) -> Bool {
            guard !pending.isEmpty else { return false }
            try StandardOutputFile.append(pending)
            pending.removeAll(keepingCapacity: true)
            return true
        }

        /// Prints an alert message as received (``ResumingTail``'s alerts).
        mutating func take(_ payload: [UInt8]) throws {
            try print(payload)
        }

        /// Standard output's file and size, when it is a regular file.
        func mark() -> TailPosition.OutputMark? { StandardOutputFile.mark() }

        /// Cuts standard output back to `size` bytes.
        func truncate(to size: Int64) throws(VigilClientError) { try StandardOutputFile.truncate(to: size) }

        /// Prints an alert message as received; only CAP and text need it decoded.
        mutating func print(_ payload: [UInt8]) throws(AlertDecodingError) {
            if writer == nil && text == nil {
                emit(payload)
            } else {
                print(try AlertMessage.decode(payload), json: payload)
            }
        }

        /// Prints a decoded alert message whose JSON text is `json`.
        mutating func print(_ alert: AlertMessage, json: [UInt8]) {
            if let line = writer?.line(for: alert) ?? text?.line(for: alert) {
                emit(Array(line.utf8))
            } else {
                emit(json)
            }
        }

        private mutating func emit(_ line: [UInt8]) {
            pending.append(contentsOf: line)
            pending.append(UInt8(ascii: "\n"))
            printed += 1
        }
    }

    /// `--status`: a status forced on every CAP message for a drill.
    enum DrillStatus: String, ExpressibleByArgument, CaseIterable {
        /// CAP status Exercise.
        case exercise
        /// CAP status Test.
        case test

        /// `exercise` or `test`, in any case (`Exercise` as CAP writes it).
        init?(argument: String) {
            self.init(rawValue: argument.lowercased())
        }

        var drill: CAPOptions.Drill {
            switch self {
            case .exercise: .exercise
            case .test: .test
            }
        }
    }

    /// The options of `--format cap`; nil means CAPOptions' default.
    struct CAPArguments: ParsableArguments {
        @Option(help: ArgumentHelp("CAP <sender>: globally unique, no spaces or commas (default vigil@<host name>).", valueName: "sender"))
        var sender: String?

        @Option(help: ArgumentHelp("CAP <senderName> (default \"Vigil border surveillance\").", valueName: "text"))
        var senderName: String?

        @Option(help: ArgumentHelp("Force CAP <status> for a drill: exercise or test (default: Exercise for alerts marked as an exercise, else Actual).", valueName: "status"))
        var status: DrillStatus?

        @Option(help: ArgumentHelp("CAP <restriction>: who may receive the messages (scope Restricted).", valueName: "text"))
        var restriction: String?

        @Option(help: ArgumentHelp("Radius of the circle around a target incident, km (default 0.5).", valueName: "km"))
        var radiusKm: Double?

        @Option(help: ArgumentHelp("Radius of the circle around a camera_offline incident, km (default 4).", valueName: "km"))
        var cameraRadiusKm: Double?

        @Option(help: ArgumentHelp("Half-width of a coverage_gap's corridor around its stretch, km (default 1).", valueName: "km"))
        var corridorKm: Double?

        /// Whether any CAP option was given.
        var isUsed: Bool {
            sender != nil || senderName != nil || status != nil || restriction != nil || radiusKm != nil
                || cameraRadiusKm != nil || corridorKm != nil
        }

        /// The options, defaults filled in.
        var options: CAPOptions {
            var options = CAPOptions(sender: sender ?? CAPOptions.defaultSender(hostName: ProcessInfo.processInfo.hostName))
            if let senderName { options.senderName = senderName }
            options.drill = status?.drill
            if let restriction { options.restriction = restriction }
            if let radiusKm { options.targetRadiusKm = radiusKm }
            if let cameraRadiusKm { options.cameraRadiusKm = cameraRadiusKm }
            if let corridorKm { options.corridorHalfWidthKm = corridorKm }
            return options
        }
    }

    /// Writes a line to standard error.
    fileprivate static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
