import ArgumentParser
import Foundation
import ZeroMQ

/// `vigil-bench soak`: vigild on the default configuration fed by `vigil-sim` in load mode at a
/// steady high rate for many minutes, with its resident memory and counters sampled throughout.
///
/// The default scenario, `rabia-faults`, loops through faulty gateways (duplicated, reordered and
/// dropped frames, a skewed clock, track switches, reboots), and in load mode its event time runs
/// many times faster than the wall clock: every pass creates targets, tracks and incidents that
/// must expire again, and every camera's sequencer sees gaps, reorders and restarts. Flat memory
/// over the run is the evidence that every per-camera, per-track and per-target record expires.
struct SoakBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "soak", abstract: "vigild under steady high load for minutes: memory and counters over time.")

    @Option(help: "Folder holding the vigild and vigil-sim executables (release build).")
    var bin = ".build/release"
    @Option(help: "The configuration directory (vigild.yaml and the rest).")
    var config = "Config"
    @Option(help: "Scenario run by vigil-sim, looped.")
    var scenario = "rabia-faults"
    @Option(help: "Frame reports a second.")
    var rate = 20_000.0
    @Option(help: "Minutes of load.")
    var minutes = 10.0
    @Option(help: "Seconds between two samples.")
    var sampleS = 30.0
    @Option(help: "First of the loopback ports used.")
    var basePort = 27_801

    func run() throws {
        let ingest = "tcp://127.0.0.1:\(basePort)", control = "tcp://127.0.0.1:\(basePort + 2)"
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "\(bin)/vigild")
        daemon.arguments = [
            "--config", "\(config)/vigild.yaml", "--ingest-bind", ingest, "--publish-bind", "tcp://127.0.0.1:\(basePort + 1)",
            "--control-bind", control, "--log-level", "error",
            "--catchup-bind", "", "--http-bind", "", "--state-dir", FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-state-\(UUID().uuidString)").path,
        ]
        try daemon.run()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        Thread.sleep(forTimeInterval: 1)
        let idle = residentMB(daemon.processIdentifier)

        let sim = Process()
        sim.executableURL = URL(fileURLWithPath: "\(bin)/vigil-sim")
        sim.arguments = [
            "run", scenario, "--config", config, "--endpoint", ingest, "--rate", "\(rate)", "--duration", "\(minutes * 60)",
        ]
        sim.standardOutput = FileHandle.nullDevice
        try sim.run()
        defer { if sim.isRunning { sim.terminate() } }
        print(String(format: "vigild %d (RSS idle %.1f MB) fed by vigil-sim %@ at %.0f msg/s for %.1f min", daemon.processIdentifier, idle, scenario, rate, minutes))

        let context = try ZMQContext()
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        let started = Date()
        var samples: [(minutes: Double, rss: Double, accepted: Int)] = []
        var previous: (time: Date, accepted: Int)?
        print("    t  RSS (MB)  accepted/s  targets  tracks  held  incidents  raised  restarts  missing")
        while sim.isRunning {
            Thread.sleep(until: started.addingTimeInterval(Double(samples.count + 1) * sampleS))
            guard sim.isRunning else { break }
            let stats = try requestStats(req)
            let engine = stats?["engine"] as? [String: Any] ?? [:]
            func value(_ key: String) -> Int { engine[key] as? Int ?? -1 }
            let now = Date(), rss = residentMB(daemon.processIdentifier), accepted = value("frames_accepted")
            let perSecond = previous.map { Double(accepted - $0.accepted) / now.timeIntervalSince($0.time) } ?? Double(accepted) / now.timeIntervalSince(started)
            previous = (now, accepted)
            samples.append((now.timeIntervalSince(started) / 60, rss, accepted))
            print(
                String(
                    format: "%5.1f  %8.1f  %10.0f  %7d  %6d  %4d  %9d  %6d  %8d  %7d", samples.last!.minutes, rss, perSecond, value("targets_active"),
                    value("tracks_active"), value("frames_held"), value("incidents_open"), value("raised"), value("camera_restarts"),
                    value("frames_missing")))
        }
        sim.waitUntilExit()
        guard samples.count >= 2 else { return }
        // The first sample still includes warm-up (caches, queues filling); judge the rest.
        let steady = samples.dropFirst().map(\.rss)
        let rate = Double(samples.last!.accepted - samples.first!.accepted) / ((samples.last!.minutes - samples.first!.minutes) * 60)
        print(
            String(
                format: "steady state over %.1f min: RSS min %.1f MB, max %.1f MB, last %.1f MB (drift %+.1f MB); %.0f frames accepted a second",
                samples.last!.minutes, steady.min()!, steady.max()!, steady.last!, steady.last! - steady.first!, rate))
    }
}
