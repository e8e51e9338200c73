import ArgumentParser
import VigilConfig
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
            """)

    @Argument(help: "A scenario file, or the name of one in <config>/scenarios/ (e.g. rabia-lone-crossing).")
    var scenario: String

    @Option(help: ArgumentHelp("The configuration directory (cameras.geojson, zones.geojson, scenarios/).", valueName: "dir"))
    var config = "Config"

    @Option(help: ArgumentHelp("Connect the PUB socket to the daemon's detection endpoint (default tcp://127.0.0.1:7601 unless --bind is given).", valueName: "endpoint"))
    var endpoint: String?

    @Option(help: ArgumentHelp("Bind the PUB socket here instead, for a daemon that connects to gateways.", valueName: "endpoint"))
    var bind: String?

    @Option(help: ArgumentHelp("Milliseconds to wait after connecting before the first frame (PUB/SUB slow joiner).", valueName: "ms"))
    var warmupMs = 500

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
        guard hostile >= 0 else { throw ValidationError("--hostile must be 0 or more") }
        guard warmupMs >= 0 else { throw ValidationError("--warmup-ms must be 0 or more") }
    }

    func run() throws {
        let (scenario, world) = try loadScenario()
        let options = RunOptions(pace: pace, hostileEvery: hostile, warmupMs: warmupMs)
        let connect = endpoint.map { [$0] } ?? (bind == nil ? ["tcp://127.0.0.1:7601"] : [])
        let binds = bind.map { [$0] } ?? []

        let summary: RunSummary
        do {
            let context = try ZMQContext()
            let publisher = try Publisher(context: context, connect: connect, bind: binds)
            defer { publisher.close() }
            let simulator = Simulator(scenario: scenario, world: world)
            let destination = (connect.map { "connected to \($0)" } + publisher.boundEndpoints.map { "bound to \($0)" }).joined(separator: ", ")
            StandardError.write(
                "vigil-sim: \(scenario.name): \(simulator.cameras.count) cameras, \(scenario.actors.count) actors, "
                    + "\(Format.fixed(simulator.duration, 1)) s of scenario time, \(describe(pace, simulator.duration)); \(destination)")
            let runner = Runner(scenario: scenario, world: world, options: options, publisher: publisher) { StandardError.write($0) }
            summary = try runner.run()
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
        print("vigil-sim: \(scenario.name): \(summary.text)")
        if jsonSummary { print(summary.json) }
    }

    private var pace: RunOptions.Pace {
        if let speed { return .accelerated(speed) }
        if rate != nil || duration != nil || count != nil { return .load(rate: rate ?? 0, duration: duration, count: count) }
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
        guard let path = Scenario.locate(scenario, configDirectory: config) else {
            StandardError.write("vigil-sim: no scenario \"\(scenario)\": not a file, and no \(config)/scenarios/\(scenario).yaml")
            throw ExitCode(1)
        }
        do {
            let world = try SimulationWorld.load(configDirectory: config)
            var scenario = try Scenario.load(path: path, world: world)
            if let seed { scenario.seed = seed }
            return (scenario, world)
        } catch {
            StandardError.write("vigil-sim: \(error)")
            throw ExitCode(1)
        }
    }
}
