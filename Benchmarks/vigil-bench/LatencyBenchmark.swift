import ArgumentParser
import Dispatch
import Foundation
import Histogram
import Synchronization
import VigilConfig
import VigilCore
import ZeroMQ

/// `vigil-bench latency`: from a frame handed to `zmq_send` to the `raised` alert it causes
/// arriving at a subscriber, for vigild with its journal at steady rates, side by side with the
/// zero-work forwarder's latency for each message at the same rate, trials alternating.
///
/// The load (``AlertLoad``) at each rate: every camera of the configuration in turn, one vehicle
/// crossing ahead of each camera every `period` frames of that camera (staggered over the
/// cameras), and `bystanders` animals standing in each camera's view that raise nothing: with
/// the defaults, ~550 live targets and tens of crossings a second. Frame `i` carries event time
/// `start + i` ms (a backlog that ends before now), so each `raised` alert names, by its
/// `last_ts`, the frame that raised it. Frames go in bursts every millisecond, each stamped with
/// the monotonic clock as it is sent; the subscriber stamps each message as it arrives.
///
/// Latencies are recorded in an HDR histogram (HdrHistogram, µs, 3 significant digits) per
/// system and rate, over all trials; `--hgrm DIR` writes each one's percentile distribution in
/// the format HdrHistogram's plotter reads.
struct LatencyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency", abstract: "Frame sent → alert received at steady rates, vigild (journal on) against the zero-work forwarder.")

    @Option(help: "Folder holding the vigild and vigil-bench executables (release build).")
    var bin = ".build/release"
    @Option(help: "vigild's settings file.")
    var config = "Config/vigild.yaml"
    @Option(help: "Rates, frames a second, comma-separated (multiples of 1,000).")
    var rates = "20000,100000"
    @Option(help: "Seconds of frames a trial.")
    var seconds = 5.0
    @Option(help: "Trials per system and rate.")
    var trials = 3
    @Option(help: "A camera's frames between two of its vehicles (one crossing each).")
    var period = 2_000
    @Option(help: "Animals standing in each camera's view (live targets that raise nothing).")
    var bystanders = 5
    @Option(help: "Folder to write each histogram's percentile distribution to (.hgrm files).")
    var hgrm: String?
    @Option(help: "First of the loopback ports used.")
    var basePort = 27_801
    @Option(help: "Seconds into a trial's frames before vigild's disk writes are counted (its new targets, each journaled once, are not the steady state).")
    var warmup = 0.0
    @Flag(help: "Run vigild without its journal (`--state-dir \"\"`), to see what the journal costs.")
    var noJournal = false
    @Flag(help: "Give vigild a synchronous standby (`--replication-bind`, and `vigil follow` from the same folder of executables), to see what waiting for it costs.")
    var standby = false

    /// What one trial of one system measured.
    struct Trial {
        var latenciesMicroseconds: [UInt64] = []
        var sent = 0
        var received = 0
        var unmatched = 0
        /// vigild's `journal.commits`, `commit_ms_mean`, `commit_ms_max` and `engine.targets_active`.
        var commits = 0
        var commitMsMean = 0.0
        var commitMsMax = 0.0
        var targets = 0
        /// vigild's `journal.alert_state_bytes` and `snapshot_bytes` at the end.
        var alertStateBytes = 0
        var snapshotBytes = 0
        /// Bytes vigild had the kernel write to storage from the first frame sent to the end of the
        /// trial, and those seconds.
        var writtenBytes = 0.0
        var seconds = 0.0
        var gigabytesADay: Double { seconds > 0 ? writtenBytes / seconds * 86_400 / 1e9 : 0 }
    }

    func run() throws {
        let configuration = try VigilConfiguration.load(path: config)
        let border = try borderLine(of: configuration, path: config)
        let context = try ZMQContext()
        if let hgrm { try FileManager.default.createDirectory(atPath: hgrm, withIntermediateDirectories: true) }
        var rows: [(rate: Int, forwarder: Histogram<UInt64>, vigild: Histogram<UInt64>)] = []
        for rate in rates.split(separator: ",").compactMap({ Int($0) }) {
            var forwarder = Self.histogram(), vigild = Self.histogram()
            for trial in 1...trials {
                let count = Int(Double(rate) * seconds)
                // A backlog: event time 1 ms a frame, ending 5 s before now.
                let startMs = Int64(Date().timeIntervalSince1970 * 1_000) - Int64(count) - 5_000
                let load = AlertLoad(
                    count: count, cameras: configuration.cameras, border: border, vehiclesPerCamera: 1, startMs: startMs, spacingMs: 1,
                    period: period, bystanders: bystanders, staggerCameras: true)
                let f = try forwarderTrial(load, rate: rate, context: context)
                let v = try vigildTrial(load, rate: rate, context: context)
                for value in f.latenciesMicroseconds { forwarder.record(value) }
                for value in v.latenciesMicroseconds { vigild.record(value) }
                print(
                    String(
                        format: "rate %d trial %d: forwarder %d of %d through, p50 %.3f ms, p99 %.3f ms; vigild %d raised matched (%d not), p50 %.3f ms, p99 %.3f ms; %d targets, %d commits (mean %.2f ms, max %.2f ms), alert state %d bytes, whole state %d bytes; wrote %.1f GB a day",
                        rate, trial, f.received, f.sent, Self.ms(f.latenciesMicroseconds, 0.5), Self.ms(f.latenciesMicroseconds, 0.99),
                        v.latenciesMicroseconds.count, v.unmatched, Self.ms(v.latenciesMicroseconds, 0.5), Self.ms(v.latenciesMicroseconds, 0.99),
                        v.targets, v.commits, v.commitMsMean, v.commitMsMax, v.alertStateBytes, v.snapshotBytes, v.gigabytesADay))
            }
            rows.append((rate, forwarder, vigild))
            if let hgrm {
                for (name, histogram) in [("forwarder", forwarder), ("vigild", vigild)] {
                    var text = ""
                    histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1_000)
                    try text.write(toFile: "\(hgrm)/latency-\(name)-\(rate).hgrm", atomically: true, encoding: .utf8)
                }
            }
        }
        print("\n| rate, frames/s | system | samples | median | p90 | p99 | p99.9 | max | p99 ÷ forwarder's |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in rows {
            let base = Double(row.forwarder.valueAtPercentile(99))
            for (name, h) in [("forwarder", row.forwarder), ("vigild", row.vigild)] {
                let cells = [50.0, 90, 99, 99.9].map { String(format: "%.3f ms", Double(h.valueAtPercentile($0)) / 1_000) }
                print(
                    "| \(row.rate) | \(name) | \(h.totalCount) | " + cells.joined(separator: " | ")
                        + String(format: " | %.3f ms | ×%.2f |", Double(h.max) / 1_000, Double(h.valueAtPercentile(99)) / max(base, 1)))
            }
        }
    }

    /// A histogram of latencies in µs up to a minute, 3 significant digits.
    private static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    /// The `p` percentile of `values` (µs), in ms.
    private static func ms(_ values: [UInt64], _ p: Double) -> Double {
        Summary.percentile(values.map { Double($0) }, p) / 1_000
    }

    /// Sends the load at `rate` a second in bursts every millisecond; returns each message's
    /// send time (monotonic ns).
    private func pace(_ load: AlertLoad, rate: Int, to pub: ZMQSocket) throws -> [UInt64] {
        let perBurst = max(1, rate / 1_000)
        var sentNs = [UInt64](repeating: 0, count: load.messages.count)
        let start = now()
        var sent = 0
        while sent < load.messages.count {
            let due = start + UInt64(sent / perBurst) * 1_000_000
            var current = now()
            if due > current + 200_000 { usleep(UInt32((due - current - 150_000) / 1_000)) }
            while current < due { current = now() }
            for i in sent..<min(sent + perBurst, load.messages.count) {
                let message = load.messages[i]
                sentNs[i] = now()
                try message.topic.withUnsafeBytes { topic in
                    try message.payload.withUnsafeBytes { payload in _ = try pub.send(topic: topic, payload: payload) }
                }
            }
            sent += perBurst
        }
        return sentNs
    }

    /// A PUB socket connected to `endpoint` with room for every message, given time to join.
    private func publisher(to endpoint: String, messages: Int, context: ZMQContext) throws -> ZMQSocket {
        let pub = try ZMQSocket(context: context, type: .pub, lingerMs: 5_000)
        try pub.setSendHighWaterMark(Int32(messages + 1))
        try pub.connect(endpoint)
        return pub
    }

    /// Waits until `consumer` has `count` messages, or none has come for `quiet` seconds.
    private func waitFor(_ consumer: AlertConsumer, count: Int, quiet: Double) {
        var last = consumer.received, lastChange = Date()
        while consumer.received < count && Date().timeIntervalSince(lastChange) < quiet {
            Thread.sleep(forTimeInterval: 0.01)
            if consumer.received != last {
                last = consumer.received
                lastChange = Date()
            }
        }
    }

    private func forwarderTrial(_ load: AlertLoad, rate: Int, context: ZMQContext) throws -> Trial {
        let input = "tcp://127.0.0.1:\(basePort)", output = "tcp://127.0.0.1:\(basePort + 1)"
        let process = try spawnProcess("\(bin)/vigil-bench", ["forward", "--input", input, "--output", output])
        defer { process.terminate(); process.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.3)
        let sink = try AlertConsumer(context: context, endpoint: output, topic: "det.")
        sink.start()
        let pub = try publisher(to: input, messages: load.messages.count, context: context)
        defer { pub.close() }
        Thread.sleep(forTimeInterval: 0.5)  // the subscriptions must arrive first (slow joiner)
        let sentNs = try pace(load, rate: rate, to: pub)
        waitFor(sink, count: load.messages.count, quiet: 1)
        var trial = Trial(sent: load.messages.count)
        for arrival in sink.stop() {
            trial.received += 1
            let text = String(decoding: arrival.payload, as: UTF8.self)
            guard let start = text.range(of: #""ts":"#)?.upperBound, let ts = Int64(text[start...].prefix { $0.isNumber }),
                let i = load.frameIndex(lastTs: ts), i < sentNs.count, arrival.ns >= sentNs[i]
            else {
                trial.unmatched += 1
                continue
            }
            trial.latenciesMicroseconds.append((arrival.ns - sentNs[i]) / 1_000)
        }
        return trial
    }

    private func vigildTrial(_ load: AlertLoad, rate: Int, context: ZMQContext) throws -> Trial {
        let ingest = "tcp://127.0.0.1:\(basePort + 2)", alerts = "tcp://127.0.0.1:\(basePort + 3)", control = "tcp://127.0.0.1:\(basePort + 4)"
        let state = noJournal ? "" : FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-latency-\(UUID().uuidString)").path
        let replication = "tcp://127.0.0.1:\(basePort + 5)"
        let process = try spawnProcess(
            "\(bin)/vigild", [
                "--config", config, "--ingest-bind", ingest, "--publish-bind", alerts, "--control-bind", control, "--log-level", "error",
                "--catchup-bind", "", "--http-bind", "", "--state-dir", state,
            ] + (standby ? ["--replication-bind", replication] : []))
        let follower = standby ? try spawnProcess("\(bin)/vigil", ["follow", replication, "--state-dir", state + "-standby", "--status-seconds", "0"]) : nil
        defer {
            process.terminate()
            process.waitUntilExit()
            follower?.terminate()
            follower?.waitUntilExit()
            if !state.isEmpty { try? FileManager.default.removeItem(atPath: state) }
            if standby { try? FileManager.default.removeItem(atPath: state + "-standby") }
        }
        Thread.sleep(forTimeInterval: standby ? 1.5 : 0.5)
        let consumer = try AlertConsumer(context: context, endpoint: alerts)
        consumer.start()
        let pub = try publisher(to: ingest, messages: load.messages.count, context: context)
        defer { pub.close() }
        Thread.sleep(forTimeInterval: 0.5)
        // The disk count starts `warmup` seconds into the frames, read on a timer while they go.
        let pid = process.processIdentifier
        let counted = Mutex<(bytes: Double, ns: UInt64)>((CPUBenchmark.writtenBytes(of: pid), now()))
        if warmup > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + warmup) {
                let sample = (CPUBenchmark.writtenBytes(of: pid), now())
                counted.withLock { $0 = sample }
            }
        }
        let sentNs = try pace(load, rate: rate, to: pub)
        // Processed counts every frame; then the stream must go quiet (the last alerts journaled).
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        var stats: [String: Any] = [:]
        for _ in 0..<500 {
            stats = try requestStats(req) ?? [:]
            if (stats["processed"] as? Int ?? 0) + (stats["rejected_total"] as? Int ?? 0) >= load.messages.count { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        waitFor(consumer, count: .max, quiet: 0.5)
        var trial = Trial(sent: load.messages.count)
        let from = counted.withLock { $0 }
        trial.writtenBytes = CPUBenchmark.writtenBytes(of: pid) - from.bytes
        trial.seconds = Double(now() - from.ns) / 1e9
        let journal = stats["journal"] as? [String: Any] ?? [:]
        trial.commits = journal["commits"] as? Int ?? 0
        trial.commitMsMean = journal["commit_ms_mean"] as? Double ?? 0
        trial.commitMsMax = journal["commit_ms_max"] as? Double ?? 0
        trial.targets = (stats["engine"] as? [String: Any])?["targets_active"] as? Int ?? 0
        trial.alertStateBytes = journal["alert_state_bytes"] as? Int ?? 0
        trial.snapshotBytes = journal["snapshot_bytes"] as? Int ?? 0
        for arrival in consumer.stop() {
            trial.received += 1
            guard let alert = AlertFields(arrival.payload), alert.state == "raised" else { continue }
            guard let i = load.frameIndex(lastTs: alert.lastTs), i < sentNs.count, alert.names(camera: load.cameraIds[i % load.cameraIds.count]),
                arrival.ns >= sentNs[i]
            else {
                trial.unmatched += 1
                continue
            }
            trial.latenciesMicroseconds.append((arrival.ns - sentNs[i]) / 1_000)
        }
        return trial
    }
}

private func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
