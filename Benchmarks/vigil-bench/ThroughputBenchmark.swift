import ArgumentParser
import Dispatch
import Foundation
import VigilConfig
import VigilCore
import ZeroMQ

/// `vigil-bench throughput`: frame reports a second through vigild, and through a zero-work
/// SUB-to-PUB forwarder with the same socket settings, side by side in one run.
///
/// Each trial: pre-generate N realistic frame reports; start the system under test as its own
/// process; publish the N reports from this process as fast as `zmq_send` goes (SNDHWM large
/// enough that nothing is dropped at the sender); measure the time from the first send until the
/// last report is through (vigild: its `processed` counter over the control socket; forwarder: a
/// sink subscriber here). Rate = reports through / that time; loss = N − reports through.
/// Trials alternate between the two systems; medians and the ratio are printed.
struct ThroughputBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "throughput", abstract: "vigild against a zero-work ZeroMQ forwarder.")

    @Option(help: "Folder holding the vigild and vigil-bench executables (release build).")
    var bin = ".build/release"
    @Option(help: "vigild's settings file.")
    var config = "Config/vigild.yaml"
    @Option(help: "Frame reports per trial.")
    var count = 1_000_000
    @Option(help: "Trials per system.")
    var trials = 3
    @Option(help: "First of the loopback ports used.")
    var basePort = 27_601

    struct Trial {
        var sent: Int
        var through: Int
        var seconds: Double
        var note = ""
        var rate: Double { Double(through) / seconds }
    }

    func run() throws {
        let configuration = try VigilConfiguration.load(path: config)
        let border = try borderLine(of: configuration, path: config)
        let context = try ZMQContext()
        var vigild: [Trial] = [], forwarder: [Trial] = []
        for trial in 1...trials {
            // Fresh event times each trial: vigild would take a replay of the same frames as duplicates.
            let messages = LoadGenerator.make(count: count, cameras: configuration.cameras, border: border)
            let bytes = messages.reduce(0) { $0 + $1.payload.count } / max(messages.count, 1)
            if trial == 1 { print("payload: \(bytes) bytes on average, \(configuration.cameras.count) cameras, \(count) reports a trial") }
            let f = try runForwarder(messages, context: context)
            forwarder.append(f)
            print(String(format: "trial %d forwarder: %.0f reports/s (%d of %d through, %.2f s)", trial, f.rate, f.through, f.sent, f.seconds))
            let v = try runVigild(messages, context: context)
            vigild.append(v)
            print(String(format: "trial %d vigild:    %.0f reports/s (%d of %d through, %.2f s; %@)", trial, v.rate, v.through, v.sent, v.seconds, v.note))
        }
        let medianForwarder = Summary.median(forwarder.map(\.rate)), medianVigild = Summary.median(vigild.map(\.rate))
        print(String(format: "median forwarder: %.0f reports/s (loss in trials: %@)", medianForwarder, forwarder.map { "\($0.sent - $0.through)" }.joined(separator: ", ")))
        print(String(format: "median vigild:    %.0f reports/s (loss in trials: %@)", medianVigild, vigild.map { "\($0.sent - $0.through)" }.joined(separator: ", ")))
        print(String(format: "ratio vigild/forwarder: %.2f", medianVigild / medianForwarder))
    }


    private func publish(_ messages: [LoadGenerator.Message], to endpoint: String, context: ZMQContext) throws -> (ZMQSocket, UInt64) {
        let pub = try ZMQSocket(context: context, type: .pub, lingerMs: 5_000)
        try pub.setSendHighWaterMark(Int32(messages.count + 1))
        try pub.connect(endpoint)
        Thread.sleep(forTimeInterval: 0.5)  // the subscription must reach us first (slow joiner)
        let start = monotonic()
        for message in messages {
            try message.topic.withUnsafeBytes { topic in
                try message.payload.withUnsafeBytes { payload in _ = try pub.send(topic: topic, payload: payload) }
            }
        }
        return (pub, start)
    }

    private func runForwarder(_ messages: [LoadGenerator.Message], context: ZMQContext) throws -> Trial {
        let input = "tcp://127.0.0.1:\(basePort)", output = "tcp://127.0.0.1:\(basePort + 1)"
        let process = try spawnProcess("\(bin)/vigil-bench", ["forward", "--input", input, "--output", output])
        defer { process.terminate(); process.waitUntilExit() }
        let sink = try ZMQSocket(context: context, type: .sub)
        defer { sink.close() }
        try sink.setReceiveHighWaterMark(Int32(messages.count + 1))
        try sink.subscribe("det.")
        try sink.connect(output)
        Thread.sleep(forTimeInterval: 0.5)
        let received = ReceivedCounter()
        let done = DispatchSemaphore(value: 0)
        let expected = messages.count
        let sinkThread = Thread {
            var batch = MessageBatch(maxStoredFrameBytes: 65_536, reservingBytes: 1 << 20, messages: 4_096)
            var count = 0
            var last = monotonic()
            while count < expected {
                guard (try? sink.waitForInput(timeoutMs: 2_000)) == true else { break }
                batch.removeAll()
                while batch.count < 4_096, (try? sink.receive(into: &batch, dontWait: true)) == true {}
                count += batch.count
                last = monotonic()
            }
            received.set(count, at: last)
            done.signal()
        }
        sinkThread.start()
        let (pub, start) = try publish(messages, to: input, context: context)
        done.wait()
        pub.close()
        let (count, last) = received.get()
        return Trial(sent: messages.count, through: count, seconds: Double(last - start) / 1e9)
    }

    private func runVigild(_ messages: [LoadGenerator.Message], context: ZMQContext) throws -> Trial {
        let ingest = "tcp://127.0.0.1:\(basePort + 2)", alerts = "tcp://127.0.0.1:\(basePort + 3)", control = "tcp://127.0.0.1:\(basePort + 4)"
        let process = try spawnProcess(
            "\(bin)/vigild", [
                "--config", config, "--ingest-bind", ingest, "--publish-bind", alerts, "--control-bind", control, "--log-level", "error",
                // A journal of its own each trial (the product journals every alert), no catch-up endpoint.
                "--catchup-bind", "", "--http-bind", "", "--state-dir", FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-state-\(UUID().uuidString)").path,
            ])
        defer { process.terminate(); process.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.5)
        let (pub, start) = try publish(messages, to: ingest, context: context)
        defer { pub.close() }
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        var through = 0, lastChange = monotonic(), lastCount = -1, stalls = 0
        while through < messages.count && monotonic() - lastChange < 3_000_000_000 {
            guard let object = try requestStats(req) else { break }
            // Through = processed by the engine + refused in ingest (none, for valid load).
            let ingest = object["ingest"] as? [String: Any] ?? [:]
            let refused = ((ingest["received"] as? Int) ?? 0) - ((ingest["handed_over"] as? Int) ?? 0) - ((ingest["dropped_queue_full"] as? Int) ?? 0)
            through = ((object["processed"] as? Int) ?? 0) + refused
            stalls = (ingest["stalls"] as? Int) ?? 0
            if through != lastCount {
                lastCount = through
                lastChange = monotonic()
            }
            if through < messages.count { Thread.sleep(forTimeInterval: 0.01) }
        }
        return Trial(sent: messages.count, through: through, seconds: Double(lastChange - start) / 1e9, note: "ingest waited for processing \(stalls) × 100 ms")
    }

}

private func monotonic() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// The sink thread's result. `@unchecked Sendable`: written once by the sink thread before it
/// signals, read after the wait.
private final class ReceivedCounter: @unchecked Sendable {
    private var count = 0
    private var last: UInt64 = 0
    func set(_ count: Int, at last: UInt64) {
        self.count = count
        self.last = last
    }
    func get() -> (Int, UInt64) { (count, last) }
}
