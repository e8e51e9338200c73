/// A node of a vigild cluster (`cluster:` in `vigild.yaml`; docs/failover.md, section 3): the
/// etcd members the election runs on, this node's name, the lease, and where this node serves
/// its journal to standbys. Absent, or `cluster.name: ""`: a single node, as without it.
public struct ClusterSettings: Sendable, Equatable {
    /// The cluster's name; its keys live under `<prefix>/<name>/`. Empty: no cluster.
    public var name = ""
    /// This node's name, unique in the cluster (`--cluster-node` overrides it).
    public var node = ""
    /// The etcd members' client URLs, `http://HOST:PORT`.
    public var etcd: [String] = []
    /// The key prefix in etcd.
    public var prefix = "/vigil"
    /// The lease every node holds; the active node's leader key goes with it. Seconds, 2 to 60.
    public var leaseTTLSeconds: Int64 = 3
    /// One keep-alive this often, ms.
    public var keepAliveIntervalMs: Int64 = 500
    /// A request to one etcd endpoint is given up after this (then the next is tried), ms.
    public var etcdTimeoutMs: Int64 = 400
    /// The active node stops publishing this long before its lease can expire, ms.
    public var demoteMarginMs: Int64 = 500
    /// Where this node serves its journal to standbys while it is active (ROUTER).
    public var replicationBind = "tcp://127.0.0.1:7605"
    /// What standbys connect to for it (written in the leader key); default: the bind.
    public var replicationAdvertise = ""
    /// A replication bind other machines can reach is refused unless this is true (the nodes
    /// do not yet speak CURVE to each other: a private network between them).
    public var allowPlaintextReplication = false

    /// No cluster.
    public init() {}

    /// Whether this is a cluster.
    public var isEnabled: Bool { !name.isEmpty }

    /// The endpoint standbys are told to connect to.
    public var advertisedReplication: String { replicationAdvertise.isEmpty ? replicationBind : replicationAdvertise }

    /// `<prefix>/<name>`: every key of the cluster starts with it.
    public var keyPrefix: String { "\(prefix)/\(name)" }

    /// A name of letters, digits, `_` or `-`, 1 to 64 of them.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Reads `cluster:` of the root mapping; `stateDirectory` is the settings' `state.dir`, which
    /// a cluster needs (a standby's copy of the journal lives there).
    static func read(_ root: YAMLMapping, stateDirectory: String) throws(ConfigError) -> ClusterSettings {
        var s = ClusterSettings()
        let cluster = try root["cluster"].mapping(allowed: [
            "name", "node", "etcd", "prefix", "lease_ttl_s", "keepalive_interval_ms", "etcd_timeout_ms", "demote_margin_ms", "replication",
        ])
        s.name = try cluster.string("name", default: "")
        guard s.isEnabled else { return s }
        guard isValidName(s.name) else {
            throw cluster["name"].error("expected letters, digits, _ or -, 1 to 64 (or \"\" for no cluster); got \"\(s.name)\"")
        }
        s.node = try cluster.string("node", default: "")
        if !s.node.isEmpty && !isValidName(s.node) {
            throw cluster["node"].error("expected letters, digits, _ or -, 1 to 64; got \"\(s.node)\"")
        }
        s.etcd = try cluster.strings("etcd", default: [])
        if s.etcd.isEmpty { throw cluster["etcd"].error("a cluster needs its etcd members' client URLs; expected for example [\"http://127.0.0.1:2379\"]") }
        for (i, url) in s.etcd.enumerated() where !isHTTPEndpoint(url) {
            throw ConfigError(file: root.file, key: "cluster.etcd[\(i)]", "expected http://HOST:PORT; got \"\(url)\"")
        }
        s.prefix = try cluster.string("prefix", default: s.prefix)
        guard s.prefix.count > 1, s.prefix.hasPrefix("/"), !s.prefix.hasSuffix("/") else {
            throw cluster["prefix"].error("expected a key prefix that starts with / and does not end with one, for example /vigil; got \"\(s.prefix)\"")
        }
        // etcd raises a TTL below its minimum (2 s with its default election timeout) silently: 1 is
        // refused so that the TTL the fence reasons with is the TTL etcd keeps.
        s.leaseTTLSeconds = Int64(try cluster.int("lease_ttl_s", default: Int(s.leaseTTLSeconds), in: 2...60))
        let ttlMs = Int(s.leaseTTLSeconds) * 1_000
        s.keepAliveIntervalMs = Int64(try cluster.int("keepalive_interval_ms", default: Int(s.keepAliveIntervalMs), in: 100...ttlMs / 3))
        s.etcdTimeoutMs = Int64(try cluster.int("etcd_timeout_ms", default: Int(s.etcdTimeoutMs), in: 50...Int(s.keepAliveIntervalMs)))
        s.demoteMarginMs = Int64(try cluster.int("demote_margin_ms", default: Int(s.demoteMarginMs), in: 0...ttlMs - 1))
        // What is left between the last renewal the active can count on and its deadline must
        // outlast an etcd leader election (keep-alives failed for up to 1.6 s when the Raft leader
        // was killed: docs/failover.md, A.9), or the active demotes every time etcd elects.
        let budget = s.leaseTTLSeconds * 1_000 - s.demoteMarginMs - s.keepAliveIntervalMs
        if budget < 1_000 {
            throw ConfigError(file: root.file, key: "cluster",
                "with lease_ttl_s \(s.leaseTTLSeconds), keepalive_interval_ms \(s.keepAliveIntervalMs) and demote_margin_ms \(s.demoteMarginMs) "
                    + "the active node would have \(budget) ms between its last renewal and its deadline; expected at least 1000 (raise lease_ttl_s)")
        }
        let replication = try cluster["replication"].mapping(allowed: ["bind", "advertise", "allow_plaintext"])
        s.allowPlaintextReplication = try replication.bool("allow_plaintext", default: false)
        s.replicationBind = try replication.string("bind", default: s.replicationBind)
        s.replicationAdvertise = try replication.string("advertise", default: "")
        for (key, value) in [("bind", s.replicationBind), ("advertise", s.replicationAdvertise)] where !value.isEmpty && !value.hasPrefix("tcp://") && !value.hasPrefix("ipc://") {
            throw replication[key].error("\"\(value)\" is not a ZeroMQ endpoint; expected for example tcp://127.0.0.1:7605")
        }
        if s.replicationBind.isEmpty { throw replication["bind"].error("a cluster node serves its journal to standbys; expected an endpoint, for example tcp://127.0.0.1:7605") }
        if stateDirectory.isEmpty {
            throw ConfigError(file: root.file, key: "cluster", "a cluster needs state.dir: the journal, and a standby's copy of the active node's, live there")
        }
        return s
    }

    /// `http://HOST:PORT`, nothing after the port.
    static func isHTTPEndpoint(_ url: String) -> Bool {
        guard url.hasPrefix("http://") else { return false }
        var rest = url.dropFirst(7)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        return HTTPSettings.split(String(rest)) != nil
    }

    /// Checks made once `--cluster-node` has been applied.
    public func checkNode() throws(ConfigError) {
        guard isEnabled else { return }
        if node.isEmpty { throw ConfigError(file: "", key: "cluster.node", "required when cluster.name is set (or give --cluster-node NAME)") }
        if !Self.isValidName(node) { throw ConfigError(file: "", key: "cluster.node", "expected letters, digits, _ or -, 1 to 64; got \"\(node)\"") }
    }
}
