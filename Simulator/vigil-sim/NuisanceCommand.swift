import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilSimulation
import ZeroMQ

/// `vigil-sim nuisance --days D`: a soak of what is not an intrusion, in compressed event time,
/// scored as false alerts per zone per 30 days.
struct NuisanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nuisance",
        abstract: "Soak vigild in days of simulated nuisance (no intrusion at all) and count its false alerts per zone per 30 days.",
        discussion: """
            Plays D days of event time on every covered stretch (and the end of what the last evening began),
            from local midnight D + 1 days ago (the daemon takes a backlog of up to a year), compressed: as fast as vigild takes the frames (it asks vigild's control
            endpoint how many it has received and keeps at most --window on their way), or at --rate.

            Every day and stretch: herds crossing to graze and back, a flock grazing along the line, a heat
            source standing on the line with its position jittering a few metres either side, the masks' heat
            sources flaring, a border-guard vehicle driving the patrol road (zone --patrol-zone) by day and by
            night, people walking about the towns by day; cameras that reboot and lose frames. A camera that
            sees something sends every frame (--fps); one that sees nothing, a heartbeat every --heartbeat-s of
            event time. The same --seed gives the same activities and frames.

            Nothing in the soak is an intrusion: every incident vigild raises is a false alert. The table counts
            them per stretch and zone (the zone of the raised message; every zone the stretch's cameras see is
            listed), per 30 days of simulated time, by kind, and names the activity each most likely came of.
            camera_offline and coverage_gap (reboots are seconds long) count too. --max-false-per-zone-month
            not met: exit 3.
            """)

    @Option(help: ArgumentHelp("Simulated days, 1 to 360.", valueName: "d"))
    var days = 30

    @OptionGroup var link: DaemonLinkOptions

    @Option(help: ArgumentHelp("The daemon's control endpoint, asked (stats) how far it has got so the run never outpaces it.", valueName: "endpoint"))
    var control = "tcp://127.0.0.1:7603"

    @Option(help: ArgumentHelp("The random seed.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("stretch"), help: ArgumentHelp("Cover only this stretch (qaim, baaj, sinjar, rabia); repeat for more. Default: all.", valueName: "name"))
    var stretches: [String] = []

    @Option(help: ArgumentHelp("Play only this kind of activity (herd-crossing, grazing, heat-source, masked-flare, patrol, town-life); repeat for more. Default: all.", valueName: "kind"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Frames a second of a camera that sees something.", valueName: "fps"))
    var fps = 10.0

    @Option(name: .customLong("heartbeat-s"), help: ArgumentHelp("Seconds of event time between the heartbeats of a camera that sees nothing.", valueName: "s"))
    var heartbeatS = 10.0

    @Option(
        name: .customLong("idle-heartbeat-s"),
        help: ArgumentHelp("Seconds of event time between the heartbeats of the cameras of stretches not covered (they keep the rest of the border alive).", valueName: "s"))
    var idleHeartbeatS = 60.0

    @Option(help: ArgumentHelp("The band zone the patrols drive along.", valueName: "zone"))
    var patrolZone = "iq-patrol-road"

    @Option(help: ArgumentHelp("Messages a second at most (0: as fast as vigild takes them).", valueName: "r"))
    var rate = 0.0

    @Option(help: ArgumentHelp("Messages on their way to vigild at most (0: no flow control; give a --rate).", valueName: "n"))
    var window = 50_000

    @Option(help: ArgumentHelp("Seconds to keep receiving alerts after vigild has taken the last frame.", valueName: "s"))
    var settleS = 8.0

    @Option(help: ArgumentHelp("Fail (exit 3) when a zone has more false alerts per 30 days than this.", valueName: "x"))
    var maxFalsePerZoneMonth: Double?

    @Flag(help: "Plan and generate the frames without sending them: the plan and the frame counts.")
    var dryRun = false

    @Flag(help: "Print the summary as one JSON object on the last line of standard output.")
    var jsonSummary = false

    func validate() throws {
        guard (1...360).contains(days) else { throw ValidationError("--days must be from 1 to 360") }
        for kind in only where NuisanceKind(rawValue: kind) == nil {
            throw ValidationError("--only \(kind): not one of \(NuisanceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard fps > 0, fps <= 100 else { throw ValidationError("--fps must be more than 0 and at most 100") }
        guard heartbeatS > 0, heartbeatS <= 25 else { throw ValidationError("--heartbeat-s must be more than 0 and at most 25") }
        guard idleHeartbeatS > 0, idleHeartbeatS <= 600 else { throw ValidationError("--idle-heartbeat-s must be more than 0 and at most 600") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 (no limit) or more") }
        guard window >= 0 else { throw ValidationError("--window must be 0 or more") }
        guard window > 0 || rate > 0 || dryRun else { throw ValidationError("without flow control (--window 0) give a --rate") }
        guard settleS >= 0, settleS.isFinite else { throw ValidationError("--settle-s must be 0 or more") }
        if let maxFalsePerZoneMonth, !(maxFalsePerZoneMonth >= 0 && maxFalsePerZoneMonth.isFinite) {
            throw ValidationError("--max-false-per-zone-month must be 0 or more")
        }
    }

    func run() throws {
        let (world, siteTime) = try load()
        let options = NuisanceOptions(
            days: days, seed: seed, stretches: stretches, fps: fps, heartbeatS: heartbeatS, idleHeartbeatS: idleHeartbeatS, patrolZone: patrolZone,
            kinds: Set(only.compactMap(NuisanceKind.init(rawValue:))))
        let plan: NuisancePlan
        do {
            plan = try NuisancePlan.make(
                world: world, options: options, siteTime: siteTime, originMs: NuisancePlan.origin(nowMs: WallClock.nowMs(), days: days, siteTime: siteTime))
        } catch {
            StandardError.write("vigil-sim nuisance: \(error)")
            throw ExitCode(1)
        }
        describe(plan)
        if dryRun {
            var feed = NuisanceFeed(plan: plan, world: world)
            let start = WallClock.monotonic()
            while feed.next() != nil {}
            let seconds = WallClock.monotonic() - start
            let counts = feed.counts
            print(
                "vigil-sim nuisance: dry run: \(counts.frames) frames (\(counts.heartbeats) heartbeats, \(counts.detections) detections; "
                    + "lost \(counts.dropped), \(counts.reboots) reboots) generated in \(Format.fixed(seconds, 1)) s")
            return
        }
        let connect = link.publisher.connectEndpoints
        let result: NuisanceRunResult
        let payloads: [[UInt8]]
        do {
            let context = try ZMQContext()
            let recorder = try AlertRecorder(context: context, connect: [link.alerts])
            defer { recorder.stop() }
            let publisher = try Publisher(context: context, connect: connect, bind: link.publisher.bindEndpoints)
            defer { publisher.close() }
            let daemon = window > 0 ? DaemonControl(context: context, endpoint: control) : nil
            defer { daemon?.close() }
            WallClock.sleep(seconds: Double(link.warmupMs) / 1_000)
            let runner = NuisanceRunner(
                plan: plan, world: world, publisher: publisher, control: daemon, rate: rate, window: window
            ) { StandardError.write("vigil-sim nuisance: \($0)") }
            result = try runner.run()
            StandardError.write("vigil-sim nuisance: waiting \(Format.fixed(settleS, 1)) s for the daemon's alerts on \(link.alerts)")
            WallClock.sleep(seconds: settleS)
            payloads = recorder.received
        } catch {
            StandardError.write("vigil-sim nuisance: \(error)")
            throw ExitCode(1)
        }
        let score = NuisanceScore.score(plan: plan, world: world, payloads: payloads)
        let failures = score.failures(maxPerZoneMonth: maxFalsePerZoneMonth)
        let counts = result.counts
        print(
            "vigil-sim nuisance: sent \(result.sent) frames (\(counts.heartbeats) heartbeats, \(counts.detections) detections; the cameras lost "
                + "\(counts.dropped) and rebooted \(counts.reboots) times) in \(Format.fixed(result.seconds, 1)) s: "
                + "\(Format.fixed(Double(result.sent) / max(result.seconds, 0.001), 0)) msg/s, \(Format.fixed(Double(days) * 86_400 / max(result.seconds, 0.001), 0))x event time")
        if let daemon = result.daemon {
            let rejected = daemon.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(
                "vigil-sim nuisance: vigild received \(daemon.received), accepted \(daemon.accepted), duplicate \(daemon.duplicate), "
                    + "rejected \(daemon.rejectedTotal)\(rejected.isEmpty ? "" : " (\(rejected))"), missing \(daemon.missing), camera restarts "
                    + "\(daemon.restarts), detections \(daemon.detections) (masked \(daemon.masked)), targets \(daemon.targets), suppressed "
                    + "\(daemon.suppressed), raised \(daemon.raised)")
        }
        print("vigil-sim nuisance: false alerts per zone per 30 days (every incident raised is false: nothing here is an intrusion)")
        print(score.table)
        for failure in failures { StandardError.write("vigil-sim nuisance: threshold not met: \(failure)") }
        if jsonSummary {
            let daemonJSON = result.daemon.map { daemon in
                let rejected = daemon.rejected.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
                return #","daemon":{"received":\#(daemon.received),"accepted":\#(daemon.accepted),"rejected":{\#(rejected)},"missing":\#(daemon.missing),"restarts":\#(daemon.restarts),"masked":\#(daemon.masked),"raised":\#(daemon.raised)}"#
            } ?? ""
            print(
                #"{"sent":\#(result.sent),"heartbeats":\#(counts.heartbeats),"detections":\#(counts.detections),"dropped":\#(counts.dropped),"reboots":\#(counts.reboots),"seconds":\#(Format.fixed(result.seconds, 3)),"score":\#(score.json),"failures":\#(failures.count)\#(daemonJSON)}"#
            )
        }
        if !failures.isEmpty { throw ExitCode(3) }
    }

    /// The plan in a few lines on standard error.
    private func describe(_ plan: NuisancePlan) {
        let origin = Date(timeIntervalSince1970: Double(plan.originMs) / 1_000)
        let cameras = plan.stretches.map(\.cameras.count).reduce(0, +)
        StandardError.write(
            "vigil-sim nuisance: \(plan.options.days) days of event time from \(ISO8601DateFormatter().string(from: origin)) (a local midnight), "
                + "\(plan.stretches.count) stretches (\(plan.stretches.map(\.name).joined(separator: ", ")); \(cameras) cameras), seed \(plan.options.seed)")
        var byKind: [NuisanceKind: (count: Int, seconds: Double)] = [:]
        for (activity, trajectory) in zip(plan.activities, plan.trajectories) {
            byKind[activity.kind, default: (0, 0)].count += 1
            byKind[activity.kind, default: (0, 0)].seconds += trajectory.endS - trajectory.startS
        }
        let kinds = byKind.keys.sorted().map { "\($0.rawValue) \(byKind[$0]!.count) (\(Format.fixed(byKind[$0]!.seconds / 3_600, 0)) h)" }
        StandardError.write("vigil-sim nuisance: activities: \(kinds.joined(separator: ", ")); \(plan.reboots.count) camera reboots")
        for note in plan.notes { StandardError.write("vigil-sim nuisance: note: \(note)") }
    }

    private func load() throws -> (SimulationWorld, SiteTime) {
        do {
            let world = try SimulationWorld.load(configDirectory: link.config)
            let directory = link.config.hasSuffix("/") ? String(link.config.dropLast()) : link.config
            let zones = try ZonesFile.load(path: "\(directory)/zones.geojson")
            let path = "\(directory)/rules.yaml"
            let siteTime = FileManager.default.fileExists(atPath: path) ? try RulesFile.loadContents(path: path, zones: zones).siteTime : .utc
            return (world, siteTime)
        } catch {
            StandardError.write("vigil-sim nuisance: \(error)")
            throw ExitCode(1)
        }
    }
}
