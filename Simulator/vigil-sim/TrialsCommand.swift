import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilSimulation
import ZeroMQ

/// `vigil-sim trials`: randomised detection trials against a running vigild, scored against the
/// truth, with the probability of detection and its exact lower confidence bound.
struct TrialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trials",
        abstract: "Randomised detection trials: N crossings of the covered border, scored; Pd with its 95 % lower bound.",
        discussion: """
            Generates --count independent crossings along the stretches of the border the configured \
            cameras cover (vigil coverage): people crawling (0.25-0.35 m/s), walking, running, \
            vehicles (5-30 m/s); singles and groups of 2 to 8; square to the line or 30-55 degrees \
            slant; at the edge of a camera's field of view, where two or three cameras overlap, or \
            where the nearest camera is farthest (with low confidence, 0.55-0.62); by day (from local \
            09:00) and at night (from 21:00, in the rules' time zone); in the towns on the line (an \
            eighth) and in the open desert; through clean feeds or gateways that duplicate, reorder, \
            drop, skew clocks or switch track ids. A trial is kept only if its intruders are in some \
            camera's view all along and cross once. Every trial has its own seed, derived from --seed \
            and its index: `--seed S --only K` plays trial K alone (--list shows them all).

            The trials are played in one accelerated run (--speed), many at once on cameras of their \
            own, at least 1.5 km apart, so they cannot interact; night trials first, then day trials, \
            event time in the past. The run never outpaces the daemon: it asks its --control endpoint \
            how far it has got and waits while more than --max-backlog reports are pending; and it \
            pauses rather than bursts when its own machine holds it back (event time is unchanged; \
            latencies count from when each frame was really due). Alerts are received on --alerts \
            from before the first frame until --settle-s after the daemon has dealt with the last, \
            grouped by incident, given to the trial nearest them, and each trial is scored against \
            its truth by the simulator's scoring (vigil-sim help run). A trial is detected when a \
            border_crossing incident matches its crossing (class, within --match-distance-m, within \
            --match-time-s), whatever the direction; the direction and the count (a group of N is one \
            incident of count N) are judged apart.

            Reported: the probability of detection (Pd) with its one-sided lower confidence bound \
            (Clopper-Pearson, --confidence), the direction and count accuracy, the latency from the \
            true crossing to the alert (median, p99, by mode; it includes the time to be 30 m across) \
            and the daemon's own part of it, every miss, wrong direction, wrong count, duplicate and \
            false alert with the command that replays the trial, and the figures by class. The summary \
            goes to standard output (--json adds one JSON object as the last line), progress to \
            standard error; --save-alerts keeps the alerts. A threshold not met (--max-missed, \
            --min-pd-lower-bound, ...) makes the exit status 3.

            Goal: no miss in 300 trials (Pd lower bound 0.990 at 95 %); US facility specifications ask \
            for 0.90 at 95 % confidence (49 of 50 detected: 0.909).
            """)

    @Option(help: ArgumentHelp("Trials to play.", valueName: "n"))
    var count = 300

    @Option(help: ArgumentHelp("The run's seed: trial K's seed is derived from it and K.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Play only trial K of the run (repeatable); --count is then ignored.", valueName: "k"))
    var only: [Int] = []

    @Flag(help: "List the trials and the schedule, send nothing.")
    var list = false

    @OptionGroup var link: DaemonLinkOptions

    @Option(help: ArgumentHelp("The daemon's control endpoint, asked (stats) how far it has got so the run never outpaces it.", valueName: "endpoint"))
    var control = "tcp://127.0.0.1:7603"

    @Option(help: ArgumentHelp("Most reports sent and not yet dealt with by the daemon before the run waits for it (0: never wait).", valueName: "n"))
    var maxBacklog = 5_000

    @Option(help: ArgumentHelp("Run time goes this many times faster than wall time.", valueName: "x"))
    var speed = 20.0

    @Option(help: ArgumentHelp("Seconds to keep receiving alerts after the last frame.", valueName: "s"))
    var settleS = 5.0

    @Option(help: ArgumentHelp("Greatest distance from a true crossing to its incident, metres.", valueName: "m"))
    var matchDistanceM = 300.0

    @Option(help: ArgumentHelp("Tolerance around an incident's first_ts..last_ts window, seconds.", valueName: "s"))
    var matchTimeS = 60.0

    @Option(help: ArgumentHelp("Confidence of the lower bound of Pd (one-sided).", valueName: "c"))
    var confidence = 0.95

    @Option(help: ArgumentHelp("Fail on more missed trials than this.", valueName: "n"))
    var maxMissed: Int?

    @Option(help: ArgumentHelp("Fail when Pd's lower confidence bound is below this.", valueName: "p"))
    var minPdLowerBound: Double?

    @Option(help: ArgumentHelp("Fail when fewer detected trials than this share have the right direction.", valueName: "fraction"))
    var minDirectionAccuracy: Double?

    @Option(help: ArgumentHelp("Fail when fewer detected trials than this share have the right count.", valueName: "fraction"))
    var minCountAccuracy: Double?

    @Option(help: ArgumentHelp("Fail on more duplicate incidents than this.", valueName: "n"))
    var maxDuplicates: Int?

    @Option(help: ArgumentHelp("Fail on more false alerts than this.", valueName: "n"))
    var maxFalse: Int?

    @Flag(help: "Print every figure as one JSON object on the last line of standard output.")
    var json = false

    @Option(help: ArgumentHelp("Write every alert message received to this file, one JSON object a line.", valueName: "file"))
    var saveAlerts: String?

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard only.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--only takes trial indices from 0") }
        guard speed >= 1, speed.isFinite else { throw ValidationError("--speed must be at least 1") }
        guard maxBacklog >= 0 else { throw ValidationError("--max-backlog must be 0 or more") }
        guard settleS >= 0, settleS.isFinite else { throw ValidationError("--settle-s must be 0 or more") }
        guard matchDistanceM > 0, matchDistanceM.isFinite else { throw ValidationError("--match-distance-m must be positive") }
        guard matchTimeS >= 0, matchTimeS.isFinite else { throw ValidationError("--match-time-s must be 0 or more") }
        guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1, e.g. 0.95") }
        if let maxMissed, maxMissed < 0 { throw ValidationError("--max-missed must be 0 or more") }
        for (name, value) in [
            ("--min-pd-lower-bound", minPdLowerBound), ("--min-direction-accuracy", minDirectionAccuracy), ("--min-count-accuracy", minCountAccuracy),
        ] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(name) must be between 0 and 1") }
        }
        if let maxDuplicates, maxDuplicates < 0 { throw ValidationError("--max-duplicates must be 0 or more") }
        if let maxFalse, maxFalse < 0 { throw ValidationError("--max-false must be 0 or more") }
    }

    func run() throws {
        let world: SimulationWorld
        let siteTime: SiteTime
        let generator: TrialGenerator
        do {
            world = try SimulationWorld.load(configDirectory: link.config)
            let rulesPath = "\(link.config)/rules.yaml"
            if FileManager.default.fileExists(atPath: rulesPath) {
                siteTime = try RulesFile.loadContents(path: rulesPath, zones: world.zones?.zones ?? []).siteTime
            } else {
                siteTime = .utc
            }
            generator = try TrialGenerator(world: world)
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
        let indices = only.isEmpty ? Array(0..<count) : only
        let specs = indices.map { generator.trial(runSeed: seed, index: $0) }
        var plan = TrialPlan(specs: specs, world: world)
        do {
            try plan.anchor(nowMs: WallClock.nowMs(), siteTime: siteTime)
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
        let phases = plan.phases.map { phase in
            "\(phase.light.rawValue) from local \(TrialScorer.localTime(phase.epochMs, siteTime)) (\(Format.fixed(phase.endS - phase.startS, 0)) s)"
        }.joined(separator: ", then ")
        let header =
            "vigil-sim trials: \(specs.count) trials (seed \(seed)), \(Format.fixed(plan.durationS, 0)) s of run time at ×\(Format.fixed(speed, 0)) "
            + "(about \(Format.fixed(plan.durationS / speed, 0)) s), up to \(plan.peakConcurrency) at once; \(phases) (\(siteTime.name))"
        if list {
            print(header)
            for entry in plan.entries {
                let spec = entry.spec
                print(
                    "start \(Format.fixed(entry.startS, 0)) s, \(Format.fixed(entry.durationS, 1)) s, seed \(spec.seed), cameras \(spec.cameras.joined(separator: " ")), "
                        + "path \(Format.fixed(spec.start.lat, 6)),\(Format.fixed(spec.start.lon, 6)) to \(Format.fixed(spec.end.lat, 6)),\(Format.fixed(spec.end.lon, 6)): \(spec.summary)")
            }
            return
        }
        StandardError.write(header)

        let connect = link.publisher.connectEndpoints
        let binds = link.publisher.bindEndpoints
        var result: TrialRunResult
        var received: [[UInt8]] = []
        do {
            let context = try ZMQContext()
            let recorder = try AlertRecorder(context: context, connect: [link.alerts])
            defer { recorder.stop() }
            // A long LINGER: whatever is still queued when the run ends reaches the daemon.
            let publisher = try Publisher(context: context, connect: connect, bind: binds, lingerMs: 60_000)
            defer { publisher.close() }
            var flow: TrialFlowControl?
            if maxBacklog > 0 {
                let control = try TrialFlowControl(context: context, endpoint: self.control)
                if control.handled() == nil {
                    StandardError.write("vigil-sim trials: no answer from \(self.control) (--control): the run will not wait for the daemon")
                    control.close()
                } else {
                    flow = control
                }
            }
            defer { flow?.close() }
            let runner = TrialRunner(plan: plan, cameras: world.cameras, speed: speed, warmupMs: link.warmupMs, maxBacklog: maxBacklog)
            result = try runner.run(publisher: publisher, flow: flow) { StandardError.write("vigil-sim trials: \($0)") }
            publisher.close()
            if let flow {
                // Until the daemon has dealt with everything sent (at most a minute).
                let began = WallClock.monotonic()
                while WallClock.monotonic() - began < 60, let handled = flow.handled(), handled < result.sent { WallClock.sleep(seconds: 0.1) }
            }
            StandardError.write("vigil-sim trials: waiting \(Format.fixed(settleS, 1)) s for the daemon's alerts on \(link.alerts)")
            WallClock.sleep(seconds: settleS)
            received = recorder.received
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
        if let saveAlerts {
            var text = ""
            for payload in received { text += String(decoding: payload, as: UTF8.self) + "\n" }
            do {
                try text.write(toFile: saveAlerts, atomically: true, encoding: .utf8)
            } catch {
                StandardError.write("vigil-sim: cannot write \(saveAlerts): \(error)")
                throw ExitCode(1)
            }
        }
        let messages = received.compactMap(PartialAlertMessage.parse)
        let scored = TrialScorer.score(
            plan: plan, run: result, messages: messages, world: world, siteTime: siteTime,
            parameters: MatchParameters(matchDistanceM: matchDistanceM, matchTimeS: matchTimeS))
        var report = TrialsReport(
            runSeed: seed, outcomes: scored.outcomes, strays: scored.strays, health: scored.health, confidence: confidence, speed: speed,
            runS: plan.durationS, run: result, messages: received.count, unparsable: received.count - messages.count)
        report.check(
            TrialThresholds(
                maxMissed: maxMissed, minPdLowerBound: minPdLowerBound, minDirectionAccuracy: minDirectionAccuracy,
                minCountAccuracy: minCountAccuracy, maxDuplicates: maxDuplicates, maxFalse: maxFalse))
        print(report.text)
        if json { print(report.json) }
        if !report.failures.isEmpty { throw ExitCode(3) }
    }
}
