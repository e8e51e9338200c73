import Dispatch
import Foundation
import VigilConfig
import VigilCore
import ZeroMQ

/// The journal seen from outside: the real vigild, once with a state folder (every alert
/// journaled, with the state, before it is published) and once with `--state-dir ""` (no
/// journal: the same writer thread publishes at once), on the same configuration and load.
///
/// A gateway here (a PUB socket) sends ``AlertLoad`` frames; a consumer here (``AlertConsumer``)
/// stamps each alert when it arrives. Two loads:
/// - **latency**: frames paced at `latencyRate` a second with event time following the wall
///   clock (a deployment's 105 cameras at ~9.5 frames a second), each `raised` alert matched to
///   the frame that raised it by its `last_ts`; latency = arrival − the moment that frame was
///   handed to `zmq_send`. It is split at the alert's `emitted_ts` (stamped by the writer thread
///   when it takes the alerts, before it journals them): before, ingest and processing; after,
///   the journal's commit, the publication and the way to the consumer.
/// - **load**: `loadCount` frames sent as fast as `zmq_send` goes (event time in the past, a
///   backlog), with `loadVehicles` vehicles a camera so that alerts are many; frames a second
///   (until vigild's `processed` counter has them all) and alerts a second (every alert received,
///   `raised` and `resolved`, until the stream has been quiet for 0.5 s after the last frame was
///   processed, over the time from the first frame sent to the last alert received).
///
/// vigild's own journal counters (`stats`: commits, their mean and longest time, the last
/// snapshot's size) are read at the end of each trial.
struct JournalDaemonBenchmark {
    /// Folder holding the vigild executable.
    var bin: String
    /// vigild's settings file, and the configuration it describes.
    var config: String
    var configuration: VigilConfiguration
    /// The border line the vehicles cross.
    var border: Polyline
    /// Ingest, alerts and control listen on this port and the next two.
    var basePort: Int
    /// Latency load: frames a second (dividing 1000), seconds of frames, vehicles a camera.
    var latencyRate: Int
    var latencySeconds: Double
    var latencyVehicles: Int
    /// Throughput load: frames a trial, vehicles a camera.
    var loadCount: Int
    var loadVehicles: Int

    /// What one latency trial of one system measured.
    struct LatencyTrial {
        /// End-to-end latency of each matched `raised` alert, ms.
        var latencies: [Double] = []
        /// The frame's send (wall clock) to the alert's `emitted_ts`, and `emitted_ts` to arrival, ms.
        var beforeEmitted: [Double] = []
        var afterEmitted: [Double] = []
        var alerts = 0
        var unmatched = 0
        var journal = JournalCounters()
    }

    /// What one load trial of one system measured.
    struct LoadTrial {
        /// Frames processed (or refused) a second, from the first sent to the last processed.
        var framesPerSecond: Double = 0
        var framesThrough = 0
        /// Alerts received, and a second from the first frame sent to the last alert received.
        var alerts = 0
        var alertsPerSecond: Double = 0
        var journal = JournalCounters()
    }

    /// vigild's counters at the end of a trial.
    struct JournalCounters {
        /// `publish.published`, `journal.commits`, `journal.commit_ms_mean` and `_max`,
        /// `journal.snapshot_bytes`, `engine.targets_active`, `rejected_total`.
        var published = 0
        var commits = 0
        var commitMsMean = 0.0
        var commitMsMax = 0.0
        var snapshotBytes = 0
        var targets = 0
        var rejected = 0

        /// All zero.
        init() {}

        /// Reads them from a `stats` reply.
        init(_ stats: [String: Any]) {
            let journal = stats["journal"] as? [String: Any] ?? [:]
            let publish = stats["publish"] as? [String: Any] ?? [:]
            let engine = stats["engine"] as? [String: Any] ?? [:]
            published = publish["published"] as? Int ?? 0
            commits = journal["commits"] as? Int ?? 0
            commitMsMean = journal["commit_ms_mean"] as? Double ?? 0
            commitMsMax = journal["commit_ms_max"] as? Double ?? 0
            snapshotBytes = journal["snapshot_bytes"] as? Int ?? 0
            targets = engine["targets_active"] as? Int ?? 0
            rejected = stats["rejected_total"] as? Int ?? 0
        }
    }

    private var ingest: String { "tcp://127.0.0.1:\(basePort)" }
    private var alerts: String { "tcp://127.0.0.1:\(basePort + 1)" }
    private var control: String { "tcp://127.0.0.1:\(basePort + 2)" }

    /// Starts vigild, with a journal in a new temporary folder or with none; returns the process
    /// and the folder (nil without a journal).
    private func startVigild(journal: Bool) throws -> (Process, URL?) {
        var folder: URL?
        if journal {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-state-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            folder = url
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(bin)/vigild")
        process.arguments = [
            "--config", config, "--ingest-bind", ingest, "--publish-bind", alerts, "--control-bind", control, "--catchup-bind", "", "--http-bind", "",
            "--state-dir", folder?.path ?? "", "--log-level", "error",
        ]
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        return (process, folder)
    }

    private func stopVigild(_ process: Process, folder: URL?) {
        process.terminate()
        process.waitUntilExit()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// A gateway's PUB socket connected to vigild's ingest, and a consumer subscribed to its
    /// alerts, both given time to join.
    private func connect(context: ZMQContext, messages: Int) throws -> (ZMQSocket, AlertConsumer) {
        let consumer = try AlertConsumer(context: context, endpoint: alerts)
        consumer.start()
        let pub = try ZMQSocket(context: context, type: .pub, lingerMs: 5_000)
        try pub.setSendHighWaterMark(Int32(messages + 1))
        try pub.connect(ingest)
        Thread.sleep(forTimeInterval: 0.5)  // the subscriptions must arrive first (slow joiner)
        return (pub, consumer)
    }

    /// Asks vigild for its counters until `processed` + refused reach `count` (or stop moving for
    /// 3 s); returns the moment they did and the last counters.
    private func waitProcessed(_ count: Int, context: ZMQContext) throws -> (UInt64, [String: Any]) {
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        var through = 0, lastCount = -1, lastChange = now(), object: [String: Any] = [:]
        while through < count && now() - lastChange < 3_000_000_000 {
            guard let reply = try requestStats(req) else { break }
            object = reply
            through = (reply["processed"] as? Int ?? 0) + (reply["rejected_total"] as? Int ?? 0)
            if through != lastCount {
                lastCount = through
                lastChange = now()
            }
            if through < count { Thread.sleep(forTimeInterval: 0.005) }
        }
        return (lastChange, object)
    }

    private func stats(context: ZMQContext) throws -> [String: Any] {
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        return try requestStats(req) ?? [:]
    }

    /// Waits until no alert has arrived for `quiet` seconds (at most `limit` seconds).
    private func waitQuiet(_ consumer: AlertConsumer, quiet: Double, limit: Double) {
        let end = Date().addingTimeInterval(limit)
        var last = consumer.received, lastChange = Date()
        while Date() < end && Date().timeIntervalSince(lastChange) < quiet {
            Thread.sleep(forTimeInterval: 0.02)
            let count = consumer.received
            if count != last {
                last = count
                lastChange = Date()
            }
        }
    }

    /// One latency trial of vigild with or without its journal.
    func latencyTrial(journal: Bool, context: ZMQContext) throws -> LatencyTrial {
        let count = Int(Double(latencyRate) * latencySeconds)
        let spacing = Int64(1_000 / latencyRate)
        // Event time of frame i = its planned send time on the wall clock.
        let startMs = Int64(Date().timeIntervalSince1970 * 1_000) + 1_500
        let load = AlertLoad(
            count: count, cameras: configuration.cameras, border: border, vehiclesPerCamera: latencyVehicles, startMs: startMs, spacingMs: spacing)
        let (process, folder) = try startVigild(journal: journal)
        defer { stopVigild(process, folder: folder) }
        let (pub, consumer) = try connect(context: context, messages: count)
        defer { pub.close() }
        // Wait for the wall clock to reach the first frame's event time, then pace by the monotonic clock.
        let wait = Double(startMs) / 1_000 - Date().timeIntervalSince1970
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        let t0 = now()
        let t0WallMs = Date().timeIntervalSince1970 * 1_000
        var sentNs = [UInt64](repeating: 0, count: count)
        let intervalNs = UInt64(spacing) * 1_000_000
        for (i, message) in load.messages.enumerated() {
            let due = t0 + UInt64(i) * intervalNs
            var current = now()
            if due > current + 200_000 { usleep(UInt32((due - current - 100_000) / 1_000)) }
            while current < due { current = now() }
            sentNs[i] = current
            try message.topic.withUnsafeBytes { topic in
                try message.payload.withUnsafeBytes { payload in _ = try pub.send(topic: topic, payload: payload) }
            }
        }
        let (_, final) = try waitProcessed(count, context: context)
        waitQuiet(consumer, quiet: 0.5, limit: 5)
        let arrivals = consumer.stop()
        var trial = LatencyTrial()
        trial.journal = JournalCounters(final)
        trial.alerts = arrivals.count
        for arrival in arrivals {
            guard let alert = AlertFields(arrival.payload), alert.state == "raised" else { continue }
            guard let i = load.frameIndex(lastTs: alert.lastTs), i < count, alert.names(camera: load.cameraIds[i % load.cameraIds.count]) else {
                trial.unmatched += 1
                continue
            }
            let sentWallMs = t0WallMs + Double(sentNs[i] - t0) / 1e6
            let arrivedWallMs = t0WallMs + Double(arrival.ns - t0) / 1e6
            trial.latencies.append(Double(arrival.ns - sentNs[i]) / 1e6)
            trial.beforeEmitted.append(Double(alert.emittedTs) - sentWallMs)
            trial.afterEmitted.append(arrivedWallMs - Double(alert.emittedTs))
        }
        return trial
    }

    /// One load trial of vigild with or without its journal.
    func loadTrial(journal: Bool, context: ZMQContext) throws -> LoadTrial {
        // A backlog: event time ends 5 s before now, 1 ms a frame.
        let startMs = Int64(Date().timeIntervalSince1970 * 1_000) - Int64(loadCount) - 5_000
        let load = AlertLoad(
            count: loadCount, cameras: configuration.cameras, border: border, vehiclesPerCamera: loadVehicles, startMs: startMs, spacingMs: 1)
        let (process, folder) = try startVigild(journal: journal)
        defer { stopVigild(process, folder: folder) }
        let (pub, consumer) = try connect(context: context, messages: loadCount)
        defer { pub.close() }
        let t0 = now()
        for message in load.messages {
            try message.topic.withUnsafeBytes { topic in
                try message.payload.withUnsafeBytes { payload in _ = try pub.send(topic: topic, payload: payload) }
            }
        }
        let (done, final) = try waitProcessed(loadCount, context: context)
        waitQuiet(consumer, quiet: 0.5, limit: 4)
        let counters = try stats(context: context)
        let arrivals = consumer.stop()
        var trial = LoadTrial()
        trial.journal = JournalCounters(counters)
        trial.framesThrough = (final["processed"] as? Int ?? 0) + (final["rejected_total"] as? Int ?? 0)
        trial.framesPerSecond = Double(trial.framesThrough) / (Double(done - t0) / 1e9)
        trial.alerts = arrivals.count
        if let last = arrivals.last { trial.alertsPerSecond = Double(arrivals.count) / (Double(last.ns - t0) / 1e9) }
        return trial
    }

    /// Frames a trial of each load sends, and the average size of their payloads.
    func loadSizes() -> (latencyFrames: Int, latencyBytes: Int, loadBytes: Int, camerasWithoutBorder: Int) {
        let probe = AlertLoad(count: 2_000, cameras: configuration.cameras, border: border, vehiclesPerCamera: latencyVehicles, startMs: 0, spacingMs: 1)
        let heavy = AlertLoad(count: 2_000, cameras: configuration.cameras, border: border, vehiclesPerCamera: loadVehicles, startMs: 0, spacingMs: 1)
        return (Int(Double(latencyRate) * latencySeconds), probe.averagePayloadBytes, heavy.averagePayloadBytes, probe.camerasWithoutBorder)
    }
}

private func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
