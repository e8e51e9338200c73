import ArgumentParser
import Dispatch
import Foundation
import VigilConfig
import VigilCore
import ZeroMQ

/// `vigil-bench cpu`: the CPU vigild uses at a steady rate of frames, side by side with the
/// zero-work forwarder (`vigil-bench forward`) at the same rate, trials alternating.
///
/// Each trial: start the system as its own process; send pre-generated frame reports
/// (``LoadGenerator``) from here at `rate` a second for `seconds`, in bursts of `rate`/1,000
/// every millisecond; read the process's CPU time (user + system, `/proc/<pid>/stat`, in clock
/// ticks of 10 ms) when the first burst goes and again 0.5 s after the last (what the frames
/// left to do). Cores = CPU time / sending time; CPU per frame = CPU time / frames. vigild
/// journals (a state directory of its own) and its processed count is checked at the end: a
/// trial that lost frames says so.
struct CPUBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cpu", abstract: "CPU of vigild at steady rates, against the zero-work forwarder.")

    @Option(help: "Folder holding the vigild and vigil-bench executables (release build).")
    var bin = ".build/release"
    @Option(help: "vigild's settings file.")
    var config = "Config/vigild.yaml"
    @Option(help: "Rates, frames a second, comma-separated.")
    var rates = "20000,100000"
    @Option(help: "Seconds of frames a trial.")
    var seconds = 5.0
    @Option(help: "Trials per system and rate.")
    var trials = 3
    @Option(help: "First of the loopback ports used.")
    var basePort = 27_701

    struct Trial {
        var cpuSeconds: Double
        var wallSeconds: Double
        var frames: Int
        var through: Int
        /// Bytes the process had the kernel write to disk over the trial (`write_bytes`).
        var writtenBytes: Double = 0
        var gigabytesADay: Double { writtenBytes / wallSeconds * 86_400 / 1e9 }
        var cores: Double { cpuSeconds / wallSeconds }
        var microsecondsPerFrame: Double { cpuSeconds / Double(frames) * 1e6 }
    }

    func run() throws {
        let configuration = try VigilConfiguration.load(path: config)
        let border = try borderLine(of: configuration, path: config)
        let context = try ZMQContext()
        for rate in rates.split(separator: ",").compactMap({ Int($0) }) {
            var forwarder: [Trial] = [], vigild: [Trial] = []
            for trial in 1...trials {
                let count = Int(Double(rate) * seconds)
                let messages = LoadGenerator.make(count: count, cameras: configuration.cameras, border: border)
                let f = try runForwarder(messages, rate: rate, context: context)
                forwarder.append(f)
                let v = try runVigild(messages, rate: rate, context: context)
                vigild.append(v)
                print(
                    String(
                        format: "rate %d trial %d: forwarder %.3f cores (%.2f µs a frame); vigild %.3f cores (%.2f µs a frame; %d of %d processed; disk %.1f GB a day)",
                        rate, trial, f.cores, f.microsecondsPerFrame, v.cores, v.microsecondsPerFrame, v.through, v.frames, v.gigabytesADay))
            }
            let f = Summary.median(forwarder.map(\.cores)), v = Summary.median(vigild.map(\.cores))
            print(
                String(
                    format: "== %d frames/s, medians of %d: forwarder %.3f cores, %.2f µs a frame; vigild %.3f cores, %.2f µs a frame; vigild/forwarder ×%.1f; vigild wrote %.1f GB a day",
                    rate, trials, f, Summary.median(forwarder.map(\.microsecondsPerFrame)), v, Summary.median(vigild.map(\.microsecondsPerFrame)), v / max(f, 1e-9),
                    Summary.median(vigild.map(\.gigabytesADay))))
        }
    }


    /// Sends `messages` at `rate` a second; returns (CPU seconds of `pid` from the first send to
    /// 0.5 s after the last, wall seconds of sending, bytes written to disk meanwhile).
    private func pace(
        _ messages: [LoadGenerator.Message], rate: Int, to endpoint: String, pid: Int32, context: ZMQContext
    ) throws -> (Double, Double, Double) {
        let pub = try ZMQSocket(context: context, type: .pub, lingerMs: 5_000)
        defer { pub.close() }
        try pub.setSendHighWaterMark(Int32(messages.count + 1))
        try pub.connect(endpoint)
        Thread.sleep(forTimeInterval: 0.5)  // the subscription must reach us first (slow joiner)
        let perBurst = max(1, rate / 1_000)
        let cpuBefore = Self.cpuSeconds(of: pid), writtenBefore = Self.writtenBytes(of: pid)
        let start = DispatchTime.now().uptimeNanoseconds
        var sent = 0
        while sent < messages.count {
            let due = start + UInt64(sent / perBurst) * 1_000_000
            while DispatchTime.now().uptimeNanoseconds < due { usleep(50) }
            for message in messages[sent..<min(sent + perBurst, messages.count)] {
                try message.topic.withUnsafeBytes { topic in
                    try message.payload.withUnsafeBytes { payload in _ = try pub.send(topic: topic, payload: payload) }
                }
            }
            sent += perBurst
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        Thread.sleep(forTimeInterval: 0.5)
        return (Self.cpuSeconds(of: pid) - cpuBefore, wall, Self.writtenBytes(of: pid) - writtenBefore)
    }

    private func runForwarder(_ messages: [LoadGenerator.Message], rate: Int, context: ZMQContext) throws -> Trial {
        let input = "tcp://127.0.0.1:\(basePort)", output = "tcp://127.0.0.1:\(basePort + 1)"
        let process = try spawnProcess("\(bin)/vigil-bench", ["forward", "--input", input, "--output", output])
        defer { process.terminate(); process.waitUntilExit() }
        // A subscriber, so the forwarder publishes for real.
        let sink = try ZMQSocket(context: context, type: .sub)
        defer { sink.close() }
        try sink.setReceiveHighWaterMark(Int32(messages.count + 1))
        try sink.subscribe("det.")
        try sink.connect(output)
        let (cpu, wall, _) = try pace(messages, rate: rate, to: input, pid: process.processIdentifier, context: context)
        var batch = MessageBatch(maxStoredFrameBytes: 65_536, reservingBytes: 1 << 20, messages: 4_096)
        var through = 0
        while (try? sink.receive(into: &batch, dontWait: true)) == true {
            through += 1
            if batch.count == 4_096 { batch.removeAll() }
        }
        return Trial(cpuSeconds: cpu, wallSeconds: wall, frames: messages.count, through: through)
    }

    private func runVigild(_ messages: [LoadGenerator.Message], rate: Int, context: ZMQContext) throws -> Trial {
        let ingest = "tcp://127.0.0.1:\(basePort + 2)", alerts = "tcp://127.0.0.1:\(basePort + 3)", control = "tcp://127.0.0.1:\(basePort + 4)"
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-cpu-\(UUID().uuidString)").path
        let process = try spawnProcess(
            "\(bin)/vigild", [
                "--config", config, "--ingest-bind", ingest, "--publish-bind", alerts, "--control-bind", control, "--log-level", "error",
                "--catchup-bind", "", "--http-bind", "", "--state-dir", state,
            ])
        defer {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: state)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let (cpu, wall, written) = try pace(messages, rate: rate, to: ingest, pid: process.processIdentifier, context: context)
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        let processed = (try requestStats(req)?["processed"] as? Int) ?? 0
        return Trial(cpuSeconds: cpu, wallSeconds: wall, frames: messages.count, through: processed, writtenBytes: written)
    }

    /// Bytes process `pid` had written to storage (`write_bytes` of `/proc/<pid>/io`: the page
    /// cache's writes it caused, counted when they are dirtied).
    static func writtenBytes(of pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("write_bytes:") })
        else { return 0 }
        return Double(line.split(separator: " ").last ?? "") ?? 0
    }

    /// User + system CPU time of process `pid`, seconds (`/proc/<pid>/stat`, fields 14 and 15).
    static func cpuSeconds(of pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name (which may hold spaces): state is field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

}
