import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilSimulation
import ZeroMQ

/// `vigil-sim run SCENARIO`: publish a scenario's frame reports to the daemon.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play a scenario: publish its cameras' frame reports on a ZeroMQ PUB socket.",
        discussion: """
            Modes:
              real time (default)   scenario time is wall time
              --speed X             scenario time runs X times faster; ts starts in the past so it never
                                    lies ahead of the wall clock
              --rate/--duration/--count
                                    load: frames in event-time order as fast as --rate allows (0: no
                                    limit), looping the scenario until --duration seconds or --count
                                    messages

            Actor events go to standard error, the summary to standard output.

            Load latency (load runs): subscribes to the daemon's alerts (--alerts) before the first
            frame and times each raised alert from the moment the frame that raised it (its
            last_ts, from one of its cameras) was handed to the socket to the moment the alert
            arrived; after the last frame it keeps receiving for at most --settle-s, until 1 s
            passes without an alert. The summary ends with count, min, p50, p90, p99, p99.9 and max
            (ms, from an HDR histogram); --latency-hgrm writes the percentile distribution
            (HdrHistogram's .hgrm), --latency-plot an SVG plot of latency by percentile. On a
            terminal a progress line is redrawn on standard error while frames go out (--progress).

            Scoring (--score, real-time and --speed runs): subscribes to the daemon's alerts
            (--alerts) before the first frame, keeps receiving until --settle-s after the run, and
            scores the incidents against the simulator's ground truth, per kind: expected events,
            incidents, missed, duplicates, false alerts, count errors, latency. The truth is every
            border crossing (border_crossing) and every zone event the rules in <config>/rules.yaml
            raise an alert for: an entry into a zone matched by an `enter` rule, a stay of a
            `dwell` rule's after_s or a zone's loitering_s, with the rule's kind (intrusion,
            loitering); animals and what the rules suppress are silent, and an event the actor's
            incident already told (same kind, or a severity at least as high) is hidden: it may
            be told or not. An incident (alerts grouped by id) of kind K matches a true event of
            kind K when, at its first K message, the class is the actor's (and, for crossings, the
            direction), its position is within --match-distance-m of the event, and its
            first_ts..last_ts window widened by --match-time-s contains the event's time. A
            detected event is a count error when its incident's largest count is not the actor's
            number of members. Latency: from the true event time to the emitted_ts of that
            message, converted to event time (its last_ts plus the wall time from when the frame
            carrying last_ts was due until emitted_ts), so a --speed run measures the daemon's
            delay, not the speed-up. The table goes to standard error; thresholds not met make
            the exit status 3.
            """)

    @Argument(help: "A scenario file, or the name of one in <config>/scenarios/ (e.g. rabia-lone-crossing).")
    var scenario: String

    @OptionGroup var link: DaemonLinkOptions

    @OptionGroup var curve: CurveOptions

    @Option(help: ArgumentHelp("Run scenario time this many times faster than wall time.", valueName: "x"))
    var speed: Double?

    @Option(help: ArgumentHelp("Load: messages a second, 0 for as fast as possible.", valueName: "r"))
    var rate: Double?

    @Option(help: ArgumentHelp("Load: stop after this many seconds.", valueName: "s"))
    var duration: Double?

    @Option(help: ArgumentHelp("Load: stop after this many messages.", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("After every N normal frames send one hostile message (0: none).", valueName: "n"))
    var hostile = 0

    @Option(help: ArgumentHelp("Override the scenario's random seed.", valueName: "n"))
    var seed: UInt64?

    @Flag(help: "Print the summary as one JSON object on the last line of standard output.")
    var jsonSummary = false

    @Option(
        name: .customLong("idle-heartbeat-s"),
        help: ArgumentHelp(
            "Seconds of scenario time between heartbeats of the registered cameras the scenario does not drive (0: none), so the daemon sees the rest of the border alive.",
            valueName: "s"))
    var idleHeartbeatS = 1.0

    @Flag(help: "Score the daemon's alerts against the scenario's ground truth.")
    var score = false

    @Option(
        help: ArgumentHelp(
            "Seconds to keep receiving alerts after the last frame: with --score all of them; in a load run at most these, until 1 s passes without an alert.",
            valueName: "s"))
    var settleS = 5.0

    @Option(help: ArgumentHelp("Load: show a progress line on standard error (auto: when it is a terminal).", valueName: "auto|always|never"))
    var progress = ProgressMode.auto

    @Option(help: ArgumentHelp("Load: write the latency's percentile distribution here (HdrHistogram .hgrm text, ms).", valueName: "file"))
    var latencyHgrm: String?

    @Option(help: ArgumentHelp("Load: write an SVG plot of the latency by percentile here.", valueName: "file.svg"))
    var latencyPlot: String?

    @Option(help: ArgumentHelp("With --score: greatest distance from a true event (crossing point, zone entry) to its incident, metres.", valueName: "m"))
    var matchDistanceM = 300.0

    @Option(help: ArgumentHelp("With --score: tolerance around an incident's first_ts..last_ts window, seconds.", valueName: "s"))
    var matchTimeS = 60.0

    @Option(help: ArgumentHelp("With --score: fail unless at least this fraction of each kind's true events is detected.", valueName: "fraction"))
    var minDetected: Double?

    @Option(help: ArgumentHelp("With --score: fail on more duplicate incidents than this.", valueName: "n"))
    var maxDuplicates: Int?

    @Option(help: ArgumentHelp("With --score: fail on more false alerts than this.", valueName: "n"))
    var maxFalse: Int?

    @Option(help: ArgumentHelp("With --score: fail when the 99th-percentile latency exceeds this.", valueName: "ms"))
    var maxLatencyMs: Double?

    @Option(help: ArgumentHelp("With --score: fail on more detected events whose incident reports another count than this.", valueName: "n"))
    var maxCountErrors: Int?

    func validate() throws {
        let load = rate != nil || duration != nil || count != nil
        if let speed {
            guard speed >= 1, speed.isFinite else { throw ValidationError("--speed must be at least 1") }
            guard !load else { throw ValidationError("--speed does not combine with --rate, --duration or --count") }
        }
        if load {
            guard duration != nil || count != nil else { throw ValidationError("a load run needs --duration and/or --count") }
            if let rate, !(rate >= 0 && rate.isFinite) { throw ValidationError("--rate must be 0 (no limit) or more") }
            if let duration, !(duration > 0 && duration.isFinite) { throw ValidationError("--duration must be positive") }
            if let count, count <= 0 { throw ValidationError("--count must be positive") }
        }
        if !load && (latencyHgrm != nil || latencyPlot != nil) {
            throw ValidationError("--latency-hgrm and --latency-plot need a load run (--rate, --duration or --count)")
        }
        guard settleS >= 0, settleS.isFinite else { throw ValidationError("--settle-s must be 0 or more") }
        guard hostile >= 0 else { throw ValidationError("--hostile must be 0 or more") }
        guard idleHeartbeatS >= 0, idleHeartbeatS.isFinite else { throw ValidationError("--idle-heartbeat-s must be 0 or more") }
        if score {
            guard !load else { throw ValidationError("--score needs a real-time or --speed run, not a load run") }
            guard matchDistanceM > 0, matchDistanceM.isFinite else { throw ValidationError("--match-distance-m must be positive") }
            guard matchTimeS >= 0, matchTimeS.isFinite else { throw ValidationError("--match-time-s must be 0 or more") }
            if let minDetected, !(0...1).contains(minDetected) { throw ValidationError("--min-detected must be between 0 and 1") }
            if let maxDuplicates, maxDuplicates < 0 { throw ValidationError("--max-duplicates must be 0 or more") }
            if let maxFalse, maxFalse < 0 { throw ValidationError("--max-false must be 0 or more") }
            if let maxLatencyMs, !(maxLatencyMs >= 0 && maxLatencyMs.isFinite) { throw ValidationError("--max-latency-ms must be 0 or more") }
            if let maxCountErrors, maxCountErrors < 0 { throw ValidationError("--max-count-errors must be 0 or more") }
        } else if !thresholds.isEmpty {
            throw ValidationError("--min-detected, --max-duplicates, --max-false, --max-latency-ms and --max-count-errors need --score")
        }
    }

    func run() throws {
        let (scenario, world) = try loadScenario()
        let options = RunOptions(pace: pace, hostileEvery: hostile, warmupMs: link.warmupMs, idleHeartbeatS: idleHeartbeatS)
        let connect = link.publisher.connectEndpoints
        let binds = link.publisher.bindEndpoints

        var summary: RunSummary
        var received: [[UInt8]] = []
        var latency: LoadLatency?
        do {
            let context = try ZMQContext()
            let security = try curve.security()
            let simulator = Simulator(scenario: scenario, world: world)
            // Subscribed before the first frame: the runner's warm-up lets the subscription arrive.
            let recorder = score ? try AlertRecorder(context: context, connect: [link.alerts], security: security) : nil
            defer { recorder?.stop() }
            let feed = isLoad ? try AlertFeed(context: context, connect: [link.alerts], security: security) : nil
            defer { feed?.stop() }
            let monitor = feed.map {
                LoadMonitor(
                    feed: $0, cameras: simulator.cameras.map(\.id),
                    bar: progress.shows(standardErrorIsTerminal: StandardError.isTerminal) ? ProgressBar() : nil, count: count, duration: duration)
            }
            defer { monitor?.endSending() }  // a line feed after the progress line, even when the run fails
            let publisher = try Publisher(context: context, connect: connect, bind: binds, security: security)
            defer { publisher.close() }
            let destination = (connect.map { "connected to \($0)" } + publisher.boundEndpoints.map { "bound to \($0)" }).joined(separator: ", ")
            StandardError.write(
                "vigil-sim: \(scenario.name): \(simulator.cameras.count) cameras, \(scenario.actors.count) actors, "
                    + "\(Format.fixed(simulator.duration, 1)) s of scenario time, \(describe(pace, simulator.duration)); \(destination)")
            let runner = Runner(scenario: scenario, world: world, options: options, publisher: publisher) { StandardError.write($0) }
            summary = try runner.run(observer: monitor)
            if let monitor {
                monitor.endSending()
                if settleS > 0 {
                    StandardError.write(
                        "vigil-sim: receiving the daemon's last alerts on \(link.alerts) for up to \(Format.fixed(settleS, 1)) s (until 1 s passes without one)")
                    monitor.settle(atMostSeconds: settleS, quietSeconds: 1)
                }
                summary.latency = monitor.latency.summary
                latency = monitor.latency
            }
            if let recorder {
                StandardError.write("vigil-sim: waiting \(Format.fixed(settleS, 1)) s for the daemon's alerts on \(link.alerts)")
                WallClock.sleep(seconds: settleS)
                received = recorder.received
            }
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
        if score {
            let messages = received.compactMap(PartialAlertMessage.parse)
            let result = Scorer.score(
                truth: summary.groundTruth, messages: messages,
                parameters: MatchParameters(matchDistanceM: matchDistanceM, matchTimeS: matchTimeS), mapping: summary.mapping,
                unparsable: received.count - messages.count)
            summary.score = result
            summary.scoreFailures = thresholds.failures(of: result)
            StandardError.write("vigil-sim: \(scenario.name): score of \(received.count) alert messages\n\(result.table)")
            for failure in summary.scoreFailures { StandardError.write("vigil-sim: threshold not met: \(failure)") }
        }
        print("vigil-sim: \(scenario.name): \(summary.text)")
        if let latency {
            print(latency.summary.table)
            if latency.summary.messages == 0 { StandardError.write("vigil-sim: no alerts received on \(link.alerts): no latency measured") }
            try writeLatencyFiles(latency, summary: summary, scenarioName: scenario.name)
        }
        if jsonSummary { print(summary.json) }
        if !summary.scoreFailures.isEmpty { throw ExitCode(3) }
    }

    /// Whether this is a load run.
    private var isLoad: Bool { rate != nil || duration != nil || count != nil }

    /// Writes --latency-hgrm and --latency-plot, when asked for.
    private func writeLatencyFiles(_ latency: LoadLatency, summary: RunSummary, scenarioName: String) throws {
        var files: [(path: String, text: String)] = []
        if let latencyHgrm { files.append((latencyHgrm, latency.percentileDistribution)) }
        if let latencyPlot {
            let figures = latency.summary
            let timed =
                figures.count > 0
                ? "\(LoadProgress.grouped(figures.count)) raised alerts timed: p50 \(Format.fixed(figures.p50Ms, 1)) ms, "
                    + "p99 \(Format.fixed(figures.p99Ms, 1)) ms, max \(Format.fixed(figures.maxMs, 1)) ms"
                : "no raised alert timed"
            let subtitle =
                "\(describe(pace, 0)): \(LoadProgress.grouped(summary.sent)) msg in \(Format.fixed(summary.seconds, 1)) s "
                + "(\(LoadProgress.grouped(Int(summary.rate.rounded()))) msg/s)\n\(timed)"
            let svg = LatencyPlot.svg(
                points: latency.plotPoints, title: "vigil-sim \(scenarioName): latency, frame sent → raised alert received", subtitle: subtitle)
            files.append((latencyPlot, svg))
        }
        for file in files {
            do {
                try file.text.write(toFile: file.path, atomically: true, encoding: .utf8)
            } catch {
                StandardError.write("vigil-sim: cannot write \(file.path): \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
    }

    private var thresholds: ScoreThresholds {
        ScoreThresholds(
            minDetected: minDetected, maxDuplicates: maxDuplicates, maxFalse: maxFalse, maxLatencyMs: maxLatencyMs,
            maxCountErrors: maxCountErrors)
    }

    private var pace: RunOptions.Pace {
        if let speed { return .accelerated(speed) }
        if isLoad { return .load(rate: rate ?? 0, duration: duration, count: count) }
        return .realTime
    }

    private func describe(_ pace: RunOptions.Pace, _ duration: Double) -> String {
        switch pace {
        case .realTime: "in real time"
        case .accelerated(let speed): "at ×\(Format.fixed(speed, 1)) (\(Format.fixed(duration / speed, 1)) s)"
        case .load(let rate, let seconds, let count):
            "load at " + (rate > 0 ? "\(Format.fixed(rate, 0)) msg/s" : "full speed")
                + (seconds.map { " for \(Format.fixed($0, 1)) s" } ?? "") + (count.map { " up to \($0) messages" } ?? "")
        }
    }

    private func loadScenario() throws -> (Scenario, SimulationWorld) {
        guard let path = Scenario.locate(scenario, configDirectory: link.config) else {
            StandardError.write("vigil-sim: no scenario \"\(scenario)\": not a file, and no \(link.config)/scenarios/\(scenario).yaml")
            throw ExitCode(1)
        }
        do {
            let world = try SimulationWorld.load(configDirectory: link.config)
            var scenario = try Scenario.load(path: path, world: world)
            if let seed { scenario.seed = seed }
            return (scenario, world)
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
    }
}
