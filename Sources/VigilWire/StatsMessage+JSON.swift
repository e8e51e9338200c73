/// The `stats` reply as JSON, written and read by hand (VigilWire imports no Foundation) from one
/// table of keys per section, so that the writer and the reader cannot disagree on a name.
extension StatsMessage {
    /// The reply's bytes, keys sorted at every level and escaped as JSONSerialization escapes
    /// them: `{"catchup":{…},…,"ok":true,…}`. Whole numbers are written as integers, the commit
    /// times as the shortest decimal that reads back the same (an integer when whole).
    public func encoded() -> [UInt8] {
        var members: [(String, String)] = [
            ("ok", "true"),
            ("ingest", Self.object(ingest, Self.ingestKeys)),
            ("rejected", Self.object(rejected)),
            ("rejected_total", String(rejectedTotal)),
            ("processed", String(processed)),
            ("engine", Self.object(engine, Self.engineKeys, [("frames_missing_by_camera", Self.object(engine.framesMissingByCamera))])),
            ("publish", Self.object(publish, Self.publishKeys)),
            (
                "journal",
                Self.object(
                    journal, Self.journalKeys,
                    [("commit_ms_mean", Self.number(journal.commitMsMean)), ("commit_ms_max", Self.number(journal.commitMsMax))])
            ),
            ("catchup", Self.object(catchup, Self.catchUpKeys)),
            ("silences", Self.object(silences, Self.silencesKeys)),
        ]
        if let daemon { members.append(("daemon", Self.object(daemon))) }
        if let security { members.append(("security", Self.object(security))) }
        if !connections.isEmpty {
            members.append(("connections", Self.object(connections.map { ($0.key, Self.object($0.value, Self.connectionsKeys)) })))
        }
        if let replication {
            members.append(("replication", Self.object(replication.map { ($0.key, Self.object($0.value, Self.standbyKeys)) })))
        }
        if let cluster {
            let names = [("node", cluster.node), ("role", cluster.role), ("active", cluster.active)].map { key, value -> (String, String) in
                var text: [UInt8] = []
                JSONString.appendAsJSONSerialization(value, to: &text)
                return (key, String(decoding: text, as: UTF8.self))
            }
            members.append(("cluster", Self.object(cluster, Self.clusterKeys, names)))
        }
        return Array(Self.object(members).utf8)
    }

    /// Reads a `stats` reply. Keys it does not know are ignored and counters it does not find are
    /// 0 (a daemon older or newer than this reader); a value of the wrong type is an
    /// ``AlertDecodingError`` naming its path (`engine.frames_missing_by_camera.cam-a`).
    public static func decode(_ json: [UInt8]) throws(AlertDecodingError) -> StatsMessage {
        let fields = try StrictFields.object(json)
        var stats = StatsMessage()
        try read(fields, "ingest", into: &stats.ingest, ingestKeys)
        stats.rejected = try fields.optional("rejected", counts) ?? [:]
        stats.rejectedTotal = try fields.optional("rejected_total", counter) ?? 0
        stats.processed = try fields.optional("processed", counter) ?? 0
        try read(fields, "engine", into: &stats.engine, engineKeys)
        if let engine = try fields.optional("engine", section) {
            stats.engine.framesMissingByCamera = try engine.optional("frames_missing_by_camera", counts) ?? [:]
        }
        try read(fields, "publish", into: &stats.publish, publishKeys)
        try read(fields, "journal", into: &stats.journal, journalKeys)
        if let journal = try fields.optional("journal", section) {
            stats.journal.commitMsMean = try journal.optional("commit_ms_mean") { (f, k) throws(AlertDecodingError) in try f.number(k) } ?? 0
            stats.journal.commitMsMax = try journal.optional("commit_ms_max") { (f, k) throws(AlertDecodingError) in try f.number(k) } ?? 0
        }
        try read(fields, "catchup", into: &stats.catchup, catchUpKeys)
        try read(fields, "silences", into: &stats.silences, silencesKeys)
        stats.daemon = try fields.optional("daemon") { (fields, key) throws(AlertDecodingError) in try run(fields.object(key)) }
        if let security = try fields.optional("security", section) {
            var read = Security()
            read.handshakesAllowed = try security.optional("handshakes_allowed", counts) ?? [:]
            read.handshakesRefused = try security.optional("handshakes_refused", counts) ?? [:]
            if let gateways = try security.optional("gateways", section) {
                for name in gateways.members.keys {
                    let fields = try gateways.object(name)
                    var gateway = Security.Gateway()
                    gateway.frames = try fields.optional("frames", counter) ?? 0
                    gateway.unauthorizedCamera = try fields.optional("unauthorized_camera", counter) ?? 0
                    read.gateways[name] = gateway
                }
            }
            stats.security = read
        }
        if let replication = try fields.optional("replication", section) {
            var standbys: [String: Standby] = [:]
            for name in replication.members.keys {
                var standby = Standby()
                try read(replication, name, into: &standby, standbyKeys)
                standbys[name] = standby
            }
            stats.replication = standbys
        }
        if let cluster = try fields.optional("cluster", section) {
            var read = Cluster()
            try Self.read(fields, "cluster", into: &read, clusterKeys)
            read.node = try cluster.optional("node") { (f, k) throws(AlertDecodingError) in try f.string(k) } ?? ""
            read.role = try cluster.optional("role") { (f, k) throws(AlertDecodingError) in try f.string(k) } ?? ""
            read.active = try cluster.optional("active") { (f, k) throws(AlertDecodingError) in try f.string(k) } ?? ""
            stats.cluster = read
        }
        if let connections = try fields.optional("connections", section) {
            for name in connections.members.keys {
                var endpoint = Connections()
                try read(connections, name, into: &endpoint, connectionsKeys)
                stats.connections[name] = endpoint
            }
        }
        return stats
    }

    // MARK: The keys

    static var ingestKeys: [(String, WritableKeyPath<Ingest, UInt64>)] {
        [("received", \.received), ("handed_over", \.handedOver), ("batches", \.batches), ("stalls", \.stalls), ("dropped_queue_full", \.droppedQueueFull)]
    }

    static var engineKeys: [(String, WritableKeyPath<Engine, UInt64>)] {
        [
            ("frames_accepted", \.framesAccepted), ("frames_duplicate", \.framesDuplicate), ("camera_restarts", \.cameraRestarts),
            ("frames_reordered", \.framesReordered), ("frames_missing", \.framesMissing), ("frames_held", \.framesHeld),
            ("detections", \.detections), ("detections_masked", \.detectionsMasked), ("detections_unknown_class", \.detectionsUnknownClass),
            ("targets_created", \.targetsCreated), ("tracks_fused", \.tracksFused), ("targets_active", \.targetsActive),
            ("tracks_active", \.tracksActive), ("incidents_open", \.incidentsOpen), ("raised", \.raised), ("updated", \.updated),
            ("resolved", \.resolved), ("cameras_offline", \.camerasOffline), ("cameras_returned", \.camerasReturned),
            ("cameras_offline_now", \.camerasOfflineNow), ("health_incidents_open", \.healthIncidentsOpen), ("suppressed", \.suppressed),
            ("inhibited", \.inhibited), ("group_joins", \.groupJoins), ("group_splits", \.groupSplits),
        ]
    }

    static var publishKeys: [(String, WritableKeyPath<Publish, UInt64>)] {
        [("published", \.published), ("last_seq", \.lastSeq), ("heartbeats", \.heartbeats)]
    }

    static var journalKeys: [(String, WritableKeyPath<Journal, UInt64>)] {
        [
            ("oldest_seq", \.oldestSeq), ("latest_seq", \.latestSeq), ("held", \.held), ("held_bytes", \.heldBytes), ("commits", \.commits),
            ("failures", \.failures), ("pending", \.pending), ("snapshots", \.snapshots), ("snapshot_bytes", \.snapshotBytes),
            ("alert_state_bytes", \.alertStateBytes), ("patches", \.patches), ("patch_bytes", \.patchBytes),
        ]
    }

    static var catchUpKeys: [(String, WritableKeyPath<CatchUp, UInt64>)] {
        [("requests", \.requests), ("refused", \.refused), ("alerts_served", \.alertsServed), ("replies_dropped", \.repliesDropped)]
    }

    static var standbyKeys: [(String, WritableKeyPath<Standby, UInt64>)] {
        [("acked_seq", \.ackedSeq), ("lag_seq", \.lagSeq), ("sync", \.sync), ("live", \.live)]
    }

    static var clusterKeys: [(String, WritableKeyPath<Cluster, UInt64>)] {
        [
            ("epoch", \.epoch), ("seq", \.seq), ("active_seq", \.activeSeq), ("lag_seq", \.lagSeq), ("lease_remaining_ms", \.leaseRemainingMs),
            ("takeovers", \.takeovers),
        ]
    }

    static var connectionsKeys: [(String, WritableKeyPath<Connections, UInt64>)] {
        [
            ("limit", \.limit), ("open", \.open), ("peak", \.peak), ("closed_at_limit", \.closedAtLimit), ("accept_failed", \.acceptFailed),
            ("handshakes_failed", \.handshakesFailed),
        ]
    }

    static var silencesKeys: [(String, WritableKeyPath<Silences, UInt64>)] {
        [("active", \.active), ("held", \.held)]
    }

    // MARK: Writing

    /// A JSON object of already written values, keys sorted.
    static func object(_ members: [(key: String, json: String)]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.appendAsJSONSerialization(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: member.json.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A section's counters under their keys, and `extra` members.
    static func object<Section>(_ section: Section, _ keys: [(String, WritableKeyPath<Section, UInt64>)], _ extra: [(String, String)] = []) -> String {
        object(keys.map { ($0.0, String(section[keyPath: $0.1])) } + extra)
    }

    /// Counters by name.
    static func object(_ counts: [String: UInt64]) -> String {
        object(counts.map { ($0.key, String($0.value)) })
    }

    /// `security`: handshakes per endpoint, frames per gateway.
    static func object(_ security: Security) -> String {
        object([
            ("handshakes_allowed", object(security.handshakesAllowed)), ("handshakes_refused", object(security.handshakesRefused)),
            (
                "gateways",
                object(
                    security.gateways.map { name, gateway in
                        (name, object([("frames", String(gateway.frames)), ("unauthorized_camera", String(gateway.unauthorizedCamera))]))
                    })
            ),
        ])
    }

    /// `daemon`: keys of what is unknown left out.
    static func object(_ run: RunStats) -> String {
        var members = [("pid", String(run.pid)), ("started_ms", String(run.startedMs)), ("abnormal_ends", String(run.abnormalEnds))]
        if let end = run.lastAbnormalEnd {
            var last: [(String, String)] = []
            if let pid = end.pid { last.append(("pid", String(pid))) }
            if let startedMs = end.startedMs { last.append(("started_ms", String(startedMs))) }
            if let endedMs = end.endedMs { last.append(("ended_ms", String(endedMs))) }
            if let status = end.status { last.append(("status", String(status))) }
            if let signal = end.signal {
                var text: [UInt8] = []
                JSONString.appendAsJSONSerialization(signal, to: &text)
                last.append(("signal", String(decoding: text, as: UTF8.self)))
            }
            members.append(("last_abnormal_end", object(last)))
        }
        return object(members)
    }

    /// A number as JSONSerialization wrote it: a whole number below 2^53 as an integer (`0`,
    /// `12`), any other as Swift's shortest decimal that reads back the same (`0.412`, `1e-07`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 0x1p53 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: Reading

    private static func counter(_ fields: StrictFields, _ key: String) throws(AlertDecodingError) -> UInt64 {
        try fields.integer(key, UInt64.self)
    }

    private static func section(_ fields: StrictFields, _ key: String) throws(AlertDecodingError) -> StrictFields {
        try fields.object(key)
    }

    /// An object of counters by name (`rejected`, `frames_missing_by_camera`).
    private static func counts(_ fields: StrictFields, _ key: String) throws(AlertDecodingError) -> [String: UInt64] {
        let object = try fields.object(key)
        var counts: [String: UInt64] = [:]
        for name in object.members.keys { counts[name] = try object.integer(name, UInt64.self) }
        return counts
    }

    /// The counters of `keys` in section `key`, those present.
    private static func read<Section>(
        _ fields: StrictFields, _ key: String, into section: inout Section, _ keys: [(String, WritableKeyPath<Section, UInt64>)]
    ) throws(AlertDecodingError) {
        guard let object = try fields.optional(key, Self.section) else { return }
        for (name, path) in keys {
            if let value = try object.optional(name, counter) { section[keyPath: path] = value }
        }
    }

    /// `daemon`: `pid` and `started_ms` required, the rest when present.
    private static func run(_ fields: StrictFields) throws(AlertDecodingError) -> RunStats {
        var run = RunStats(pid: try fields.integer("pid", Int32.self), startedMs: try fields.integer("started_ms", Int64.self))
        run.abnormalEnds = try fields.optional("abnormal_ends", counter) ?? 0
        run.lastAbnormalEnd = try fields.optional("last_abnormal_end") { (fields, key) throws(AlertDecodingError) in
            let end = try fields.object(key)
            return RunStats.AbnormalEnd(
                pid: try end.optional("pid") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int32.self) },
                startedMs: try end.optional("started_ms") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int64.self) },
                endedMs: try end.optional("ended_ms") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int64.self) },
                status: try end.optional("status") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int32.self) },
                signal: try end.optional("signal") { (f, k) throws(AlertDecodingError) in try f.string(k) })
        }
        return run
    }
}
