import Foundation
import VigilCore

/// The daemon's settings (`Config/vigild.yaml`). Every value has a documented default.
public struct DaemonSettings: Sendable, Equatable {
    /// What to do with a batch when the processing queue is full.
    public enum OverflowPolicy: String, Sendable, Equatable {
        /// Stop receiving until there is room: libzmq's receive queue fills up to its high-water
        /// mark, then the gateways' PUB sockets drop. Counted as stalls. The default.
        case block
        /// Drop the new batch, counting every frame in it.
        case drop
    }

    /// Endpoints the detection SUB socket binds (gateways connect). Default `tcp://127.0.0.1:7601`.
    public var ingestBind: [String] = ["tcp://127.0.0.1:7601"]
    /// Gateway endpoints the detection SUB socket connects to. Default none.
    public var ingestConnect: [String] = []
    /// Sectors served; empty serves all (subscribes to `det.`), else subscribes to `det.<sector>.` each.
    public var sectors: [String] = []
    /// ZMQ_RCVHWM of the detection socket, messages per peer. Default 100,000.
    public var receiveHighWaterMark: Int = 100_000
    /// ZMQ_MAXMSGSIZE of the detection socket: a peer that sends a larger frame is disconnected
    /// before it is buffered. Default 256 KiB: a payload over the contract's 64 KiB but under
    /// this is still read and counted `oversize`, and a peer holding a partial frame holds at
    /// most this much memory.
    public var maxMessageBytes: Int = 256 << 10
    /// Frame reports a second one camera may send, on average over 2 s (more are refused,
    /// `rate_limited`); 0 for no limit, the default: a gateway that sends its backlog after an
    /// outage, or a feed played faster than real time, sends far more than a camera shoots, and
    /// none of it may be lost. Set it where a runaway camera is the greater risk.
    public var maxCameraRate: Double = 0
    /// Messages received per batch handed to processing. Default 512.
    public var batchSize: Int = 512
    /// While frames flow fast (the last batch began less than twice this before), ingest lets
    /// this long gather after a batch's first message before handing the batch over: one
    /// hand-off, and one wake-up of processing, for all of them. 0: never wait. Default 200 µs.
    public var batchLingerMicroseconds: Int = 200
    /// Batches in flight between ingest and processing (the bounded queue). Default 64.
    public var queueBatches: Int = 64
    /// What happens when that queue is full. Default `block`.
    public var overflow: OverflowPolicy = .block
    /// Endpoints the alert PUB socket binds. Default `tcp://127.0.0.1:7602`.
    public var publishBind: [String] = ["tcp://127.0.0.1:7602"]
    /// ZMQ_SNDHWM of the alert socket, messages per subscriber. Default 100,000.
    public var sendHighWaterMark: Int = 100_000
    /// A `heartbeat` is published this often, alerts or not. Default 1 s.
    public var heartbeatSeconds: Double = 1
    /// The catch-up (ROUTER) endpoint: consumers ask for the alerts after a `seq`. Default
    /// `tcp://127.0.0.1:7604`; empty disables.
    public var catchupBind: String = "tcp://127.0.0.1:7604"
    /// Alerts older than this are removed from the journal. Default 168 h (7 days).
    public var journalMaxAgeHours: Double = 168
    /// Past this many MB of alerts (topics and payloads), the oldest are removed. Default 1,024.
    public var journalMaxMB: Double = 1_024
    /// `normal`: a commit survives a crash of vigild; `full`: also a power cut (fsync per commit).
    public var journalSynchronous: String = "normal"
    /// While frames are processed, the daemon's whole state (every target) is journaled this
    /// often, encoded off the journal's thread and stored after the alerts of its turn; between,
    /// the state log's patches (what changed) go with every alert and every 2 s. Default 300 s.
    public var snapshotIntervalSeconds: Double = 300
    /// Endpoints where the journal is served to standbys (`vigil follow`: docs/failover.md,
    /// section 6); empty (the default) serves none. Set by `vigild --replication-bind`.
    public var replicationBind: [String] = []
    /// How long the journal's writer waits for a synchronous standby to hold a commit before it
    /// publishes without it (the standby leaves the sync set). Set by `vigild --sync-timeout-ms`.
    public var syncTimeoutMs: Int = 500
    /// The control (REQ/REP) endpoint for `vigil stats`. Default `tcp://127.0.0.1:7603`; empty disables.
    public var controlBind: String = "tcp://127.0.0.1:7603"
    /// Rejections of one reason logged at most once per this many seconds (the rest are counted). Default 10.
    public var rejectionLogIntervalSeconds: Double = 10
    /// Longest a graceful shutdown may take, seconds. Default 5.
    public var shutdownTimeoutSeconds: Double = 5
    /// Where the daemon keeps what must survive a restart (the journal of alerts and state, the
    /// silences); relative to the working directory. Default `state`; empty keeps nothing: no
    /// catch-up, and `seq` starts again at 1 with each start.
    public var stateDirectory: String = "state"
    /// The longest a silence may last, from when it is added (`silences.max_duration_h`). A
    /// silence is an operator's act with an end: a week by default.
    public var silenceMaxDurationMs: Int64 = 7 * 86_400_000
    /// Engine gates and timings.
    public var engine = EngineSettings()
    /// The HTTP server: metrics, health, the console.
    public var http = HTTPSettings()
    /// `journal.max_age_h` and `journal.max_mb` as the journal's retention takes them: ms and bytes.
    public var journalMaxAgeMs: Int64 { Int64(journalMaxAgeHours * 3_600_000) }
    public var journalMaxBytes: Int64 { Int64(journalMaxMB * 1_048_576) }

    /// The journal's file, `<state.dir>/journal.sqlite`; nil when `state.dir` is empty (no journal).
    public var journalPath: String? {
        stateDirectory.isEmpty ? nil : URL(fileURLWithPath: stateDirectory).appendingPathComponent("journal.sqlite").path
    }

    /// The cluster this node belongs to (`cluster:`); none by default.
    public var cluster = ClusterSettings()

    /// The defaults.
    public init() {}
}

extension DaemonSettings {
    static let keys: Set<String> = [
        "ingest", "publish", "control", "pipeline", "time", "tracking", "incidents", "health", "state", "site", "files", "log", "catchup", "journal",
        "security", "silences", "http", "cluster",
    ]

    /// Reads the settings from YAML `text`, a `vigild.yaml` (named `file` in errors): the checks
    /// ``VigilConfiguration/load(path:)`` makes on its settings, without reading the files it
    /// names (zones, cameras, rules, certificates).
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonSettings {
        try read(try YAMLDocument.parse(text, file: file).mapping(allowed: keys))
    }

    /// Reads the settings from the root mapping of `vigild.yaml`.
    static func read(_ root: YAMLMapping) throws(ConfigError) -> DaemonSettings {
        var s = DaemonSettings()
        let ingest = try root["ingest"].mapping(allowed: ["bind", "connect", "sectors", "rcvhwm", "max_message_bytes", "batch_size", "batch_linger_us", "allow_plaintext", "max_camera_rate"])
        s.ingestBind = try endpoints(ingest, "bind", default: s.ingestBind)
        s.ingestConnect = try endpoints(ingest, "connect", default: s.ingestConnect)
        s.sectors = try ingest.strings("sectors", default: [])
        for (i, sector) in s.sectors.enumerated() where !Identifier.isValid(sector) {
            throw ingest["sectors"].error("sectors[\(i)] \"\(sector)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
        }
        s.receiveHighWaterMark = try ingest.int("rcvhwm", default: s.receiveHighWaterMark, in: 1...100_000_000)
        s.maxMessageBytes = try ingest.int("max_message_bytes", default: s.maxMessageBytes, in: 65_536...1 << 30)
        s.batchSize = try ingest.int("batch_size", default: s.batchSize, in: 1...65_536)
        s.batchLingerMicroseconds = try ingest.int("batch_linger_us", default: s.batchLingerMicroseconds, in: 0...10_000)
        s.maxCameraRate = try ingest.double("max_camera_rate", default: s.maxCameraRate, in: 0...10_000_000)
        if s.ingestBind.isEmpty && s.ingestConnect.isEmpty {
            throw ConfigError(file: root.file, key: "ingest", "neither bind nor connect names an endpoint; expected at least one")
        }

        let publish = try root["publish"].mapping(allowed: ["bind", "sndhwm", "heartbeat_s", "allow_plaintext"])
        s.publishBind = try endpoints(publish, "bind", default: s.publishBind)
        s.sendHighWaterMark = try publish.int("sndhwm", default: s.sendHighWaterMark, in: 1...100_000_000)
        s.heartbeatSeconds = try publish.double("heartbeat_s", default: s.heartbeatSeconds, in: 0.05...3_600)

        let catchup = try root["catchup"].mapping(allowed: ["bind", "allow_plaintext"])
        s.catchupBind = try catchup.string("bind", default: s.catchupBind)

        let journal = try root["journal"].mapping(allowed: ["max_age_h", "max_mb", "synchronous", "snapshot_interval_s"])
        s.journalMaxAgeHours = try journal.double("max_age_h", default: s.journalMaxAgeHours, in: 0.001...87_600)
        s.journalMaxMB = try journal.double("max_mb", default: s.journalMaxMB, in: 1...1_048_576)
        if journal.has("synchronous") { s.journalSynchronous = try journal["synchronous"].choice(["normal", "full"]) }
        s.snapshotIntervalSeconds = try journal.double("snapshot_interval_s", default: s.snapshotIntervalSeconds, in: 0.05...3_600)

        let control = try root["control"].mapping(allowed: ["bind", "allow_plaintext"])
        s.controlBind = try control.string("bind", default: s.controlBind)

        let pipeline = try root["pipeline"].mapping(allowed: ["queue_batches", "overflow", "shutdown_timeout_s"])
        s.queueBatches = try pipeline.int("queue_batches", default: s.queueBatches, in: 1...65_536)
        if pipeline.has("overflow") {
            s.overflow = OverflowPolicy(rawValue: try pipeline["overflow"].choice(["block", "drop"]))!
        }
        s.shutdownTimeoutSeconds = try pipeline.double("shutdown_timeout_s", default: s.shutdownTimeoutSeconds, in: 0.1...600)

        var e = s.engine
        let time = try root["time"].mapping(allowed: ["max_future_skew_ms", "max_lateness_ms", "max_backlog_h", "max_frame_rate", "idle_advance_after_ms", "clock_correction_min_ms"])
        e.maxFutureSkewMs = Int64(try time.int("max_future_skew_ms", default: Int(e.maxFutureSkewMs), in: 0...3_600_000))
        e.maxLatenessMs = Int64(try time.int("max_lateness_ms", default: Int(e.maxLatenessMs), in: 0...3_600_000))
        e.maxBacklogMs = Int64(try time.int("max_backlog_h", default: Int(e.maxBacklogMs / 3_600_000), in: 1...87_600)) * 3_600_000
        e.maxFrameRate = try time.int("max_frame_rate", default: e.maxFrameRate, in: 1...10_000)
        e.clockCorrectionMinMs = Int64(try time.int("clock_correction_min_ms", default: Int(e.clockCorrectionMinMs), in: 0...60_000))
        e.idleAdvanceAfterMs = Int64(try time.int("idle_advance_after_ms", default: Int(e.idleAdvanceAfterMs), in: 100...3_600_000))

        let tracking = try root["tracking"].mapping(allowed: [
            "dedup_window", "fusion_distance_m", "fusion_time_ms", "fusion_clock_skew_ms", "track_timeout_ms", "crossing_confirm_m", "zone_inertia_frames",
        ])
        e.dedupWindow = try tracking.int("dedup_window", default: e.dedupWindow, in: 16...1 << 20)
        e.fusionDistanceM = try tracking.double("fusion_distance_m", default: e.fusionDistanceM, in: 0...1_000)
        e.fusionTimeMs = Int64(try tracking.int("fusion_time_ms", default: Int(e.fusionTimeMs), in: 0...600_000))
        e.fusionClockSkewMs = Int64(try tracking.int("fusion_clock_skew_ms", default: Int(e.fusionClockSkewMs), in: 0...600_000))
        e.trackTimeoutMs = Int64(try tracking.int("track_timeout_ms", default: Int(e.trackTimeoutMs), in: 100...3_600_000))
        e.crossingConfirmM = try tracking.double("crossing_confirm_m", default: e.crossingConfirmM, in: 1...100)
        e.zoneInertiaFrames = try tracking.int("zone_inertia_frames", default: e.zoneInertiaFrames, in: 1...1_000)

        let incidents = try root["incidents"].mapping(allowed: [
            "resolve_after_ms", "position_update_interval_ms", "position_update_min_move_m", "group_radius_m", "group_velocity_tolerance_mps",
            "group_split_m", "group_formation_ms",
        ])
        e.resolveAfterMs = Int64(try incidents.int("resolve_after_ms", default: Int(e.resolveAfterMs), in: 1_000...86_400_000))
        e.positionUpdateIntervalMs = Int64(try incidents.int("position_update_interval_ms", default: Int(e.positionUpdateIntervalMs), in: 0...86_400_000))
        e.positionUpdateMinMoveM = try incidents.double("position_update_min_move_m", default: e.positionUpdateMinMoveM, in: 0...100_000)
        e.groupRadiusM = try incidents.double("group_radius_m", default: e.groupRadiusM, in: 0...1_000)
        e.groupVelocityToleranceMps = try incidents.double("group_velocity_tolerance_mps", default: e.groupVelocityToleranceMps, in: 0...100)
        e.groupSplitM = try incidents.double("group_split_m", default: e.groupSplitM, in: 0...10_000)
        e.groupFormationMs = Int64(try incidents.int("group_formation_ms", default: Int(e.groupFormationMs), in: 0...60_000))

        let health = try root["health"].mapping(allowed: ["offline_after_s", "offline_group_window_s", "min_gap_m"])
        e.offlineAfterMs = Int64(try health.double("offline_after_s", default: Double(e.offlineAfterMs) / 1_000, in: 0.5...86_400) * 1_000)
        e.offlineGroupWindowMs = Int64(
            try health.double("offline_group_window_s", default: Double(e.offlineGroupWindowMs) / 1_000, in: 0...3_600) * 1_000)
        e.coverageGapMinM = try health.double("min_gap_m", default: e.coverageGapMinM, in: 0...100_000)
        let site = try root["site"].mapping(allowed: ["exercise"])
        e.exercise = try site.bool("exercise", default: e.exercise)
        s.engine = e

        let state = try root["state"].mapping(allowed: ["dir"])
        s.stateDirectory = try state.string("dir", default: s.stateDirectory)

        let silences = try root["silences"].mapping(allowed: ["max_duration_h"])
        s.silenceMaxDurationMs = Int64(try silences.double("max_duration_h", default: Double(s.silenceMaxDurationMs) / 3_600_000, in: 0.01...8_760) * 3_600_000)

        let log = try root["log"].mapping(allowed: ["rejection_interval_s"])
        s.rejectionLogIntervalSeconds = try log.double("rejection_interval_s", default: s.rejectionLogIntervalSeconds, in: 0...3_600)
        s.http = try HTTPSettings.read(root)
        s.cluster = try ClusterSettings.read(root, stateDirectory: s.stateDirectory)
        return s
    }

    private static func endpoints(_ map: YAMLMapping, _ key: String, default value: [String]) throws(ConfigError) -> [String] {
        let list = try map.strings(key, default: value)
        for (i, endpoint) in list.enumerated() {
            let known = ["tcp://", "ipc://", "inproc://", "pgm://", "epgm://", "ws://", "tipc://", "vmci://"]
            guard known.contains(where: { endpoint.hasPrefix($0) }), endpoint.contains("://"), !endpoint.hasSuffix("://") else {
                throw ConfigError(file: map.file, key: "\(map.path.isEmpty ? "" : map.path + ".")\(key)[\(i)]",
                    "\"\(endpoint)\" is not a ZeroMQ endpoint; expected for example tcp://127.0.0.1:7601")
            }
        }
        return list
    }
}
