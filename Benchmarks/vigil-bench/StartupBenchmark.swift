import ArgumentParser
import Dispatch
import Foundation
import VigilCore
import VigilJournal
import ZeroMQ

/// `vigil-bench startup`: from starting vigild to its first answer to `ping` on the control
/// socket (asked every 2 ms), with a journal of each size.
///
/// Each size gets a journal made here before the clock starts: that many realistic alerts
/// (``JournalWriteBenchmark/event``, 372 bytes), emitted now so that retention keeps them,
/// committed 10,000 at a time, and no state snapshot (the daemon starts with no targets). Every
/// trial starts vigild afresh on the same folder; the journal's file is in the page cache, as
/// after a restart.
struct StartupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "startup", abstract: "Start to ready of vigild, with journals of each size.")

    @Option(help: "Folder holding the vigild executable (release build).")
    var bin = ".build/release"
    @Option(help: "vigild's settings file.")
    var config = "Config/vigild.yaml"
    @Option(help: "Alerts in the journal, comma-separated.")
    var alerts = "0,1000000"
    @Option(help: "Trials per journal size.")
    var trials = 5
    @Option(help: "First of the loopback ports used.")
    var basePort = 27_901

    func run() throws {
        let context = try ZMQContext()
        print("| alerts in the journal | journal's size | start to ready, median | min | max |")
        print("| --- | --- | --- | --- | --- |")
        for count in alerts.split(separator: ",").compactMap({ Int($0) }) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-startup-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = "\(folder)/journal.sqlite"
            try fill(path, count: count)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            var times: [Double] = []
            for _ in 0..<trials { times.append(try startToReady(stateDir: folder, context: context)) }
            print(
                String(
                    format: "| %d | %.0f MB | %.1f ms | %.1f ms | %.1f ms |", count, Double(size) / 1e6, Summary.median(times), times.min() ?? 0,
                    times.max() ?? 0))
        }
    }

    /// A journal at `path` holding `count` alerts.
    private func fill(_ path: String, count: Int) throws {
        let journal = try AlertJournal(path: path)
        let event = JournalWriteBenchmark.event
        let nowMs = Int64(Date().timeIntervalSince1970 * 1_000)
        var seq: UInt64 = 0
        while seq < UInt64(count) {
            var records: [JournalRecord] = []
            for _ in 0..<min(10_000, UInt64(count) - seq) {
                seq += 1
                records.append(JournalRecord(seq: seq, emittedMs: nowMs, topic: event.topic, payload: AlertEncoder.encode(event, seq: seq, emittedTs: nowMs)))
            }
            try journal.append(records, nowMs: nowMs)
        }
    }

    /// Starts vigild on `stateDir` and returns the ms until it answered `ping`.
    private func startToReady(stateDir: String, context: ZMQContext) throws -> Double {
        let control = "tcp://127.0.0.1:\(basePort + 2)"
        let started = DispatchTime.now().uptimeNanoseconds
        let process = try spawnProcess(
            "\(bin)/vigild", [
                "--config", config, "--ingest-bind", "tcp://127.0.0.1:\(basePort)", "--publish-bind", "tcp://127.0.0.1:\(basePort + 1)",
                "--control-bind", control, "--catchup-bind", "", "--http-bind", "", "--state-dir", stateDir, "--log-level", "error",
            ])
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        while process.isRunning {
            // A new REQ socket each time: one whose request went nowhere cannot send again.
            let req = try ZMQSocket(context: context, type: .req)
            defer { req.close() }
            try req.connect(control)
            try req.send([Array("ping".utf8)])
            if try req.waitForInput(timeoutMs: 2), try req.receiveMessage() != nil {
                return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            }
        }
        throw ValidationError("vigild exited before it was ready (status \(process.terminationStatus))")
    }
}
