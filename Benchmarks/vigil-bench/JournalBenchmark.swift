import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilJournal
import ZeroMQ

/// `vigil-bench journal`: what journaling every alert (with the daemon's state) before publishing
/// it costs, in one run:
/// 1. **writes**: ``AlertJournal`` alone on a temporary file, alerts a second and µs a commit, by
///    batch size, with and without a state snapshot blob, `synchronous` NORMAL and FULL
///    (``JournalWriteBenchmark``);
/// 2. **snapshot**: the engine's part of the snapshot (encoded with every commit that carries
///    alerts) by the number of live targets, and what the processing queue pays to change an
///    engine the writer holds a copy of (``SnapshotCostBenchmark``);
/// 3. **vigild**: the real daemon with its journal and without (`--state-dir ""`), trials
///    alternating: the latency an alert takes from the frame that raised it to a consumer, and
///    the alerts a second it sustains under a load that makes many (``JournalDaemonBenchmark``).
///
/// Medians over the trials; the machine is noisy, so compare figures of one run only.
struct JournalBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "The alert journal: raw write throughput, snapshot cost, and vigild's latency and throughput with and without it.")

    /// The parts of the benchmark.
    enum Part: String, ExpressibleByArgument, CaseIterable {
        case writes, snapshot, vigild
    }

    @Option(help: "Folder holding the vigild executable (release build).")
    var bin = ".build/release"
    @Option(help: "vigild's settings file (its zones, cameras and rules are used by every part).")
    var config = "Config/vigild.yaml"
    @Option(parsing: .upToNextOption, help: "Parts to run, in this order: writes, snapshot, vigild.")
    var parts: [Part] = Part.allCases
    @Option(help: "Trials of each setting (writes) and of each system (vigild).")
    var trials = 3
    @Option(help: "writes: alerts per transaction, comma-separated.")
    var batches = "1,10,100,1000"
    @Option(help: "writes: size of the state snapshot blob stored with each commit, bytes.")
    var snapshotBytes = 50_000
    @Option(help: "writes: seconds of commits per trial.")
    var writeSeconds = 0.3
    @Option(help: "snapshot: live targets at which to measure, comma-separated.")
    var snapshotTargets = "500,1000,5000"
    @Option(help: "vigild, latency: frames a second, a divisor of 1000 (event time follows the wall clock, 1 ms or more a frame).")
    var rate = 1_000
    @Option(help: "vigild, latency: seconds of frames per trial.")
    var seconds = 15.0
    @Option(help: "vigild, latency: vehicles crossing ahead of each camera at once.")
    var vehicles = 2
    @Option(help: "vigild, load: frames per trial, sent as fast as possible.")
    var loadCount = 500_000
    @Option(help: "vigild, load: vehicles crossing ahead of each camera at once.")
    var loadVehicles = 4
    @Option(help: "First of the three loopback ports used (ingest, alerts, control).")
    var basePort = 27_801

    mutating func validate() throws {
        guard rate >= 1, rate <= 1_000, 1_000 % rate == 0 else { throw ValidationError("--rate must divide 1000 (1 ms or more of event time a frame).") }
        guard trials >= 1, vehicles >= 1, loadVehicles >= 1, loadCount >= 1_000, seconds > 0 else { throw ValidationError("counts must be positive.") }
    }

    func run() throws {
        let configuration = try VigilConfiguration.load(path: config)
        let border = try borderLine(of: configuration, path: config)
        if parts.contains(.writes) { try writes() }
        if parts.contains(.snapshot) { try snapshot(configuration: configuration, border: border) }
        if parts.contains(.vigild) { try daemon(configuration: configuration, border: border) }
    }

    private func list(_ text: String) throws -> [Int] {
        let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 >= 1 }) else { throw ValidationError("not a list of positive numbers: \(text)") }
        return values
    }

    private func writes() throws {
        let sizes = JournalWriteBenchmark.payloadBytes
        print("== journal writes: AlertJournal.append on a temporary file (\(FileManager.default.temporaryDirectory.path)),")
        print("   alerts of \(sizes.payload) bytes (+ \(sizes.topic)-byte topic); medians of \(trials) trials of \(writeSeconds) s")
        let bench = JournalWriteBenchmark(batches: try list(batches), snapshotBytes: snapshotBytes, trials: trials, seconds: writeSeconds)
        let results = try bench.run()
        print(pad("synchronous", 12) + pad("snapshot", 10) + pad("batch", 7, right: true) + pad("alerts/s", 12, right: true) + pad("µs/commit", 12, right: true))
        for r in results {
            let snapshot = r.setting.snapshotBytes == 0 ? "none" : "\(r.setting.snapshotBytes / 1_000) KB"
            print(
                pad(r.setting.synchronous.rawValue, 12) + pad(snapshot, 10) + pad("\(r.setting.batch)", 7, right: true)
                    + pad(grouped(r.alertsPerSecond), 12, right: true) + pad(String(format: "%.0f", r.microsecondsPerCommit), 12, right: true))
        }
    }

    private func snapshot(configuration: VigilConfiguration, border: Polyline) throws {
        print("== snapshot: the engine's part of the state journaled with every commit that carries alerts")
        print("   (AlertEngine.encodeState, median of 9), one frame processed with and without a copy of the engine held, and one look at")
        print("   every target's material key (the state log's patch every 2 s, nothing changed)")
        let bench = SnapshotCostBenchmark(configuration: configuration, border: border, targets: try list(snapshotTargets), vehiclesPerCamera: 8)
        let (rows, frames, alerts) = try bench.run()
        print("   (engine fed \(frames) frames of 8 crossing vehicles a camera; they raised \(alerts) alerts)")
        print(
            pad("targets", 9, right: true) + pad("incidents", 11, right: true) + pad("bytes", 12, right: true) + pad("encode µs", 11, right: true)
                + pad("frame µs", 10, right: true) + pad("frame µs, copy held", 21, right: true) + pad("keys scan µs", 14, right: true))
        for row in rows {
            print(
                pad(grouped(Double(row.targets)), 9, right: true) + pad(grouped(Double(row.incidents)), 11, right: true)
                    + pad(grouped(Double(row.bytes)), 12, right: true) + pad(String(format: "%.0f", row.encodeMicroseconds), 11, right: true)
                    + pad(String(format: "%.1f", row.frameMicroseconds), 10, right: true) + pad(String(format: "%.1f", row.frameAfterCopyMicroseconds), 21, right: true)
                    + pad(String(format: "%.0f", row.scanMicroseconds), 14, right: true))
        }
    }

    private func daemon(configuration: VigilConfiguration, border: Polyline) throws {
        let bench = JournalDaemonBenchmark(
            bin: bin, config: config, configuration: configuration, border: border, basePort: basePort, latencyRate: rate,
            latencySeconds: seconds, latencyVehicles: vehicles, loadCount: loadCount, loadVehicles: loadVehicles)
        let sizes = bench.loadSizes()
        let context = try ZMQContext()
        print("== vigild with its journal (a new state folder in \(FileManager.default.temporaryDirectory.path) each trial) and without (--state-dir \"\")")
        print("   latency: \(sizes.latencyFrames) frames a trial at \(rate)/s from \(configuration.cameras.count) cameras (\(sizes.latencyBytes) bytes on average), \(vehicles) vehicles crossing ahead of each")
        if sizes.camerasWithoutBorder > 0 { print("   (\(sizes.camerasWithoutBorder) cameras have no border in reach and send empty frames)") }
        var on: [JournalDaemonBenchmark.LatencyTrial] = [], off: [JournalDaemonBenchmark.LatencyTrial] = []
        for trial in 1...trials {
            // Alternate which goes first, so that neither always runs on a machine warmed by the other.
            for journal in trial % 2 == 1 ? [true, false] : [false, true] {
                let t = try bench.latencyTrial(journal: journal, context: context)
                if journal { on.append(t) } else { off.append(t) }
                var line = String(
                    format: "trial %d %@: %d alerts, %d raised matched to their frame (%d not), latency median %.2f ms, p99 %.2f ms; %d targets",
                    trial, journal ? "journal on " : "journal off", t.alerts, t.latencies.count, t.unmatched, Summary.median(t.latencies),
                    Summary.percentile(t.latencies, 0.99), t.journal.targets)
                if journal { line += commits(t.journal) }
                print(line)
            }
        }
        print("   load: \(loadCount) frames a trial as fast as possible (\(sizes.loadBytes) bytes on average), \(loadVehicles) vehicles crossing ahead of each camera")
        var loadOn: [JournalDaemonBenchmark.LoadTrial] = [], loadOff: [JournalDaemonBenchmark.LoadTrial] = []
        for trial in 1...trials {
            for journal in trial % 2 == 1 ? [true, false] : [false, true] {
                let t = try bench.loadTrial(journal: journal, context: context)
                if journal { loadOn.append(t) } else { loadOff.append(t) }
                var line = String(
                    format: "trial %d %@: %@ frames/s (%d through), %d alerts received of %d published, %@ alerts/s; %d targets",
                    trial, journal ? "journal on " : "journal off", grouped(t.framesPerSecond), t.framesThrough, t.alerts, t.journal.published,
                    grouped(t.alertsPerSecond), t.journal.targets)
                if journal { line += commits(t.journal) }
                print(line)
            }
        }
        func m(_ trials: [JournalDaemonBenchmark.LatencyTrial], _ value: (JournalDaemonBenchmark.LatencyTrial) -> Double) -> Double {
            Summary.median(trials.map(value))
        }
        func l(_ trials: [JournalDaemonBenchmark.LoadTrial], _ value: (JournalDaemonBenchmark.LoadTrial) -> Double) -> Double {
            Summary.median(trials.map(value))
        }
        print("== vigild, medians of \(trials) trials")
        print(pad("", 44) + pad("journal off", 13, right: true) + pad("journal on", 13, right: true) + pad("added", 10, right: true))
        let rows: [(String, Double, Double, String)] = [
            ("latency, frame sent → alert received: median", m(off) { Summary.median($0.latencies) }, m(on) { Summary.median($0.latencies) }, "%.2f ms"),
            ("latency: p99", m(off) { Summary.percentile($0.latencies, 0.99) }, m(on) { Summary.percentile($0.latencies, 0.99) }, "%.2f ms"),
            ("  of which frame sent → emitted_ts: median", m(off) { Summary.median($0.beforeEmitted) }, m(on) { Summary.median($0.beforeEmitted) }, "%.2f ms"),
            ("  of which emitted_ts → received: median", m(off) { Summary.median($0.afterEmitted) }, m(on) { Summary.median($0.afterEmitted) }, "%.2f ms"),
            ("  of which emitted_ts → received: p99", m(off) { Summary.percentile($0.afterEmitted, 0.99) }, m(on) { Summary.percentile($0.afterEmitted, 0.99) }, "%.2f ms"),
        ]
        for (name, a, b, format) in rows {
            print(pad(name, 44) + pad(String(format: format, a), 13, right: true) + pad(String(format: format, b), 13, right: true) + pad(String(format: format, b - a), 10, right: true))
        }
        let framesOff = l(loadOff) { $0.framesPerSecond }, framesOn = l(loadOn) { $0.framesPerSecond }
        let alertsOff = l(loadOff) { $0.alertsPerSecond }, alertsOn = l(loadOn) { $0.alertsPerSecond }
        print(pad("load: frames a second", 44) + pad(grouped(framesOff), 13, right: true) + pad(grouped(framesOn), 13, right: true) + pad(String(format: "×%.2f", framesOn / framesOff), 10, right: true))
        print(pad("load: alerts a second published", 44) + pad(grouped(alertsOff), 13, right: true) + pad(grouped(alertsOn), 13, right: true) + pad(String(format: "×%.2f", alertsOn / alertsOff), 10, right: true))
        print(
            String(
                format: "journal on: latency load %.1f alerts a commit, commit mean %.2f ms, snapshot %@ bytes; heavy load %.0f alerts a commit, commit mean %.2f ms, snapshot %@ bytes",
                m(on) { Double($0.journal.published) / Double(max($0.journal.commits, 1)) }, m(on) { $0.journal.commitMsMean },
                grouped(m(on) { Double($0.journal.snapshotBytes) }),
                l(loadOn) { Double($0.journal.published) / Double(max($0.journal.commits, 1)) }, l(loadOn) { $0.journal.commitMsMean },
                grouped(l(loadOn) { Double($0.journal.snapshotBytes) })))
        print("(emitted_ts is in whole ms: the part before it reads up to 1 ms low, the part after up to 1 ms high; compare on with off)")
    }

    /// `; N commits (A alerts each, mean M ms, max X ms), snapshot B bytes`.
    private func commits(_ c: JournalDaemonBenchmark.JournalCounters) -> String {
        String(
            format: "; %d commits (%.1f alerts each, mean %.2f ms, max %.1f ms), snapshot %@ bytes", c.commits,
            Double(c.published) / Double(max(c.commits, 1)), c.commitMsMean, c.commitMsMax, grouped(Double(c.snapshotBytes)))
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    private func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && c != "-" { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
