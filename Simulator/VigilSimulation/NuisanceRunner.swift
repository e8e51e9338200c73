import Foundation
import ZeroMQ

/// The counters of vigild's `stats` reply that a soak reads (README, the control endpoint).
public struct DaemonCounters: Sendable, Equatable {
    /// Messages taken off the detection socket.
    public var received: UInt64 = 0
    /// Frame reports the engine processed.
    public var processed: UInt64 = 0
    // engine.frames_accepted, frames_duplicate, frames_missing, camera_restarts, detections,
    // detections_masked, targets_created, suppressed, raised:
    public var accepted: UInt64 = 0
    public var duplicate: UInt64 = 0
    public var missing: UInt64 = 0
    public var restarts: UInt64 = 0
    public var detections: UInt64 = 0
    public var masked: UInt64 = 0
    public var targets: UInt64 = 0
    public var suppressed: UInt64 = 0
    public var raised: UInt64 = 0
    /// Rejections by reason.
    public var rejected: [String: UInt64] = [:]

    /// Creates counters (tests).
    public init() {}

    /// Reads a `stats` reply; `nil` when it is not one.
    public static func parse(_ bytes: [UInt8]) -> DaemonCounters? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], object["ok"] as? Bool == true,
            let ingest = object["ingest"] as? [String: Any], let engine = object["engine"] as? [String: Any]
        else { return nil }
        func number(_ value: Any?) -> UInt64 { (value as? NSNumber)?.uint64Value ?? 0 }
        var counters = DaemonCounters()
        counters.received = number(ingest["received"])
        counters.processed = number(object["processed"])
        counters.accepted = number(engine["frames_accepted"])
        counters.duplicate = number(engine["frames_duplicate"])
        counters.missing = number(engine["frames_missing"])
        counters.restarts = number(engine["camera_restarts"])
        counters.detections = number(engine["detections"])
        counters.masked = number(engine["detections_masked"])
        counters.targets = number(engine["targets_created"])
        counters.suppressed = number(engine["suppressed"])
        counters.raised = number(engine["raised"])
        for (reason, count) in object["rejected"] as? [String: Any] ?? [:] { counters.rejected[reason] = number(count) }
        return counters
    }

    /// What grew from `earlier` to these.
    public func since(_ earlier: DaemonCounters) -> DaemonCounters {
        var delta = self
        func minus(_ a: UInt64, _ b: UInt64) -> UInt64 { a >= b ? a - b : 0 }
        delta.received = minus(received, earlier.received)
        delta.processed = minus(processed, earlier.processed)
        delta.accepted = minus(accepted, earlier.accepted)
        delta.duplicate = minus(duplicate, earlier.duplicate)
        delta.missing = minus(missing, earlier.missing)
        delta.restarts = minus(restarts, earlier.restarts)
        delta.detections = minus(detections, earlier.detections)
        delta.masked = minus(masked, earlier.masked)
        delta.targets = minus(targets, earlier.targets)
        delta.suppressed = minus(suppressed, earlier.suppressed)
        delta.raised = minus(raised, earlier.raised)
        delta.rejected = [:]
        for (reason, count) in rejected where minus(count, earlier.rejected[reason] ?? 0) > 0 {
            delta.rejected[reason] = minus(count, earlier.rejected[reason] ?? 0)
        }
        return delta
    }

    /// Rejections in all.
    public var rejectedTotal: UInt64 { rejected.values.reduce(0, +) }
}

/// A client of vigild's control endpoint (REQ): `stats`, for a soak's flow control and its
/// accounting. One thread.
public final class DaemonControl {
    private let context: ZMQContext
    private let endpoint: String
    private var socket: ZMQSocket?

    /// A client of `endpoint` in `context`.
    public init(context: ZMQContext, endpoint: String) {
        self.context = context
        self.endpoint = endpoint
    }

    deinit { socket?.close() }

    /// The daemon's counters, or `nil` when it does not answer within `timeoutMs` (the socket is
    /// then replaced: a REQ socket that got no answer cannot ask again).
    public func stats(timeoutMs: Int = 3_000) -> DaemonCounters? {
        do {
            if socket == nil {
                let fresh = try ZMQSocket(context: context, type: .req)
                try fresh.connect(endpoint)
                socket = fresh
            }
            guard let socket else { return nil }
            _ = try socket.send([Array("stats".utf8)])
            guard try socket.waitForInput(timeoutMs: timeoutMs), let reply = try socket.receiveMessage(dontWait: true), let first = reply.first
            else {
                close()
                return nil
            }
            return DaemonCounters.parse(first)
        } catch {
            close()
            return nil
        }
    }

    /// Closes the socket.
    public func close() {
        socket?.close()
        socket = nil
    }
}

/// What a soak sent, and what the daemon made of it.
public struct NuisanceRunResult: Sendable {
    /// The feed's counts.
    public var counts: NuisanceFeed.Counts
    /// Messages sent.
    public var sent: Int
    /// Wall seconds from the first message to the last.
    public var seconds: Double
    /// How often the sender waited for the daemon to catch up.
    public var waits: Int
    /// The daemon's counters over the run (`nil` without a control endpoint).
    public var daemon: DaemonCounters?
}

/// Plays a ``NuisanceFeed`` to the daemon as fast as it takes the frames: every `checkEvery`
/// messages it asks the daemon (`stats`) how many it has received, and waits while more than
/// `window` are on their way (ZeroMQ drops what a slow subscriber's queues cannot hold, which
/// would be lost frames no camera lost). With `rate` above 0 it also keeps to that many
/// messages a second. Runs on the calling thread, which owns the publisher.
public struct NuisanceRunner {
    /// What is played.
    public var plan: NuisancePlan
    /// The world it was planned on.
    public var world: SimulationWorld
    /// Messages a second at most (0: no limit).
    public var rate: Double
    /// Messages on their way to vigild at most.
    public var window: Int
    private let publisher: Publisher
    private let control: DaemonControl?
    private let log: (String) -> Void

    /// A runner; without `control` there is no flow control (give a `rate` the daemon keeps up with).
    public init(
        plan: NuisancePlan, world: SimulationWorld, publisher: Publisher, control: DaemonControl?, rate: Double = 0, window: Int = 50_000,
        log: @escaping (String) -> Void
    ) {
        self.plan = plan
        self.world = world
        self.publisher = publisher
        self.control = control
        self.rate = rate
        self.window = window
        self.log = log
    }

    /// A failure of the run.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends every frame, waits until the daemon has received them all, and returns the result.
    public func run() throws -> NuisanceRunResult {
        var feed = NuisanceFeed(plan: plan, world: world)
        let baseline: DaemonCounters?
        if let control {
            guard let counters = control.stats(timeoutMs: 10_000) else {
                throw Failure(description: "vigild does not answer stats on its control endpoint")
            }
            baseline = counters
        } else {
            baseline = nil
        }
        let checkEvery = max(1_000, window / 4)
        var payload: [UInt8] = []
        payload.reserveCapacity(8_192)
        var sent = 0, waits = 0
        let start = WallClock.monotonic()
        var lastLog = start
        while let frame = feed.next() {
            // Never ahead of the wall clock (the plan ends two hours before it was made).
            let ahead = frame.report.ts - WallClock.nowMs()
            if ahead > 0 { WallClock.sleep(seconds: Double(ahead) / 1_000) }
            FrameWriter.write(frame.report, into: &payload)
            try publisher.send(topic: frame.topic, payload: payload)
            sent += 1
            if rate > 0 { WallClock.wait(until: start + Double(sent) / rate) }
            if let control, let baseline, sent % checkEvery == 0 {
                var waited = false
                while true {
                    // The answer waits for what vigild has queued: up to a window of frames.
                    guard let counters = control.stats(timeoutMs: 60_000) else { throw Failure(description: "vigild stopped answering stats") }
                    if sent - Int(counters.received - min(counters.received, baseline.received)) <= window { break }
                    waited = true
                    WallClock.sleep(seconds: 0.002)
                }
                if waited { waits += 1 }
            }
            let now = WallClock.monotonic()
            if now - lastLog >= 10 {
                lastLog = now
                log(
                    "day \(Format.fixed(frame.time / 86_400, 2)) of \(plan.options.days): \(sent) messages in \(Format.fixed(now - start, 0)) s "
                        + "(\(Format.fixed(Double(sent) / (now - start), 0))/s)")
            }
        }
        let seconds = WallClock.monotonic() - start
        var daemon: DaemonCounters?
        if let control, let baseline {
            // Until the daemon has taken (and processed) all of it.
            // (What the ingest refuses never reaches processing: stop once received is complete
            // and processing has stood still for a while.)
            let deadline = WallClock.monotonic() + 120
            var still = 0
            while true {
                guard let counters = control.stats(timeoutMs: 60_000) else { throw Failure(description: "vigild stopped answering stats") }
                let delta = counters.since(baseline)
                still = delta.processed == daemon?.processed ? still + 1 : 0
                daemon = delta
                if delta.received >= UInt64(sent) && (delta.processed >= UInt64(sent) || still >= 10) { break }
                if WallClock.monotonic() > deadline { break }
                WallClock.sleep(seconds: 0.05)
            }
        }
        return NuisanceRunResult(counts: feed.counts, sent: sent, seconds: seconds, waits: waits, daemon: daemon)
    }
}
