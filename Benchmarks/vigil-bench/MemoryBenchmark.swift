import ArgumentParser
import Dispatch
import Foundation
import VigilCore
import ZeroMQ

/// `vigil-bench memory`: vigild's resident memory with N targets alive at once, and optionally a
/// soak at that load with memory sampled over time.
///
/// A deployment-sized camera set is written to a temporary configuration (the default zones and
/// rules, `--cameras` cameras); each camera reports up to 250 distinct people in every frame, one
/// frame every `--refresh-s`, for as long as the run lasts, so every target stays alive. People
/// stand on a 110 m lattice 6–20 km inside Iraq, away from every zone, so no two fuse and none
/// alerts: what is measured is the daemon's state per live target. RSS is read from
/// /proc/PID/status (VmRSS).
struct MemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory", abstract: "vigild's memory with N live targets; optional soak.")

    @Option(help: "Folder holding the vigild executable (release build).")
    var bin = ".build/release"
    @Option(help: "Folder with the default zones.geojson and rules.yaml.")
    var config = "Config"
    @Option(help: "Live targets.")
    var targets = 100_000
    @Option(help: "Seconds between two frames of one camera.")
    var refreshS = 2.0
    @Option(help: "Seconds to hold the load before measuring.")
    var holdS = 40.0
    @Option(help: "Minutes to keep the load on afterwards, sampling memory every 30 s (0: no soak).")
    var soakMinutes = 0.0
    @Option(help: "First of the loopback ports used.")
    var basePort = 27_701

    func run() throws {
        let perFrame = 250
        let cameraCount = (targets + perFrame - 1) / perFrame
        let folder = try writeConfiguration(cameras: cameraCount)
        let ingest = "tcp://127.0.0.1:\(basePort)", control = "tcp://127.0.0.1:\(basePort + 2)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(bin)/vigild")
        process.arguments = [
            "--config", folder.appendingPathComponent("vigild.yaml").path, "--ingest-bind", ingest,
            "--publish-bind", "tcp://127.0.0.1:\(basePort + 1)", "--control-bind", control, "--log-level", "error",
            "--catchup-bind", "", "--http-bind", "", "--state-dir", folder.appendingPathComponent("state").path,
        ]
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        Thread.sleep(forTimeInterval: 1)
        let baseline = residentMB(process.processIdentifier)
        print(String(format: "vigild %d: %d cameras, %d targets; RSS at start %.1f MB", process.processIdentifier, cameraCount, targets, baseline))

        let context = try ZMQContext()
        let pub = try ZMQSocket(context: context, type: .pub, lingerMs: 0)
        defer { pub.close() }
        try pub.setSendHighWaterMark(1_000_000)
        try pub.connect(ingest)
        Thread.sleep(forTimeInterval: 0.5)
        var seq = [UInt64](repeating: 0, count: cameraCount)
        let started = Date()
        var nextSample = started.addingTimeInterval(holdS)
        var samples: [(minutes: Double, rss: Double, active: Int)] = []
        let end = started.addingTimeInterval(holdS + soakMinutes * 60 + refreshS)  // one sweep past the last sample
        while Date() < end {
            let sweep = Date()
            for camera in 0..<cameraCount {
                seq[camera] += 1
                try pub.send(topic: "det.SB.bench-cam-\(camera)", payload: frame(camera: camera, seq: seq[camera], perFrame: perFrame))
            }
            if Date() >= nextSample {
                let active = try activeTargets(control, context: context)
                let rss = residentMB(process.processIdentifier)
                samples.append((Date().timeIntervalSince(started) / 60, rss, active))
                print(String(format: "t=%5.1f min  RSS %7.1f MB  targets alive %d", samples.last!.minutes, rss, active))
                nextSample = Date().addingTimeInterval(30)
            }
            let spent = Date().timeIntervalSince(sweep)
            if spent < refreshS { Thread.sleep(forTimeInterval: refreshS - spent) }
        }
        guard let first = samples.first else { return }
        let perTarget = (first.rss - baseline) * 1_048_576 / Double(max(first.active, 1))
        print(String(format: "with %d targets alive: RSS %.1f MB (%.1f MB over the idle daemon, %.0f bytes a target)", first.active, first.rss, first.rss - baseline, perTarget))
        if samples.count > 1 {
            let values = samples.map(\.rss)
            print(String(format: "soak over %.1f min: RSS min %.1f MB, max %.1f MB, last %.1f MB", samples.last!.minutes, values.min()!, values.max()!, values.last!))
        }
    }

    /// One frame of `camera`: its people on the lattice, each under a fixed track id.
    private func frame(camera: Int, seq: UInt64, perFrame: Int) -> [UInt8] {
        let ts = Int64(Date().timeIntervalSince1970 * 1_000) - 500
        var out = #"{"v":1,"camera":"bench-cam-\#(camera)","seq":\#(seq),"ts":\#(ts),"detections":["#
        for k in 0..<perFrame {
            let i = camera * perFrame + k
            guard i < targets else { break }
            let lat = 35.0 + Double(i / 400) * 0.001, lon = 42.6 + Double(i % 400) * 0.0012
            if k > 0 { out += "," }
            out += #"{"track":\#(k + 1),"class":"person","conf":0.9,"lat":\#(String(format: "%.6f", lat)),"lon":\#(String(format: "%.6f", lon))}"#
        }
        out += "]}"
        return Array(out.utf8)
    }

    private func writeConfiguration(cameras: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-memory-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["zones.geojson", "rules.yaml"] {
            try FileManager.default.copyItem(at: URL(fileURLWithPath: config).appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        var features: [String] = []
        for c in 0..<cameras {
            features.append(#"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(42.6 + Double(c % 40) * 0.01),\#(35.0 + Double(c / 40) * 0.01)]},"properties":{"id":"bench-cam-\#(c)","sector":"SB","heading_deg":0,"fov_deg":360,"range_m":20000}}"#)
        }
        try #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ",\n"))]}"#.write(
            to: folder.appendingPathComponent("cameras.geojson"), atomically: true, encoding: .utf8)
        try "log:\n  rejection_interval_s: 60\n".write(to: folder.appendingPathComponent("vigild.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    private func activeTargets(_ control: String, context: ZMQContext) throws -> Int {
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        let object = try requestStats(req)
        return ((object?["engine"] as? [String: Any])?["targets_active"] as? Int) ?? -1
    }
}
