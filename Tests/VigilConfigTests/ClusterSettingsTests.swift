import Testing
import VigilConfig

/// `cluster:` in vigild.yaml: absent is no cluster; every mistake names the file and the key.
@Suite struct ClusterSettingsTests {
    static let minimal = "state:\n  dir: state\ncluster:\n  name: east\n  etcd: [\"http://127.0.0.1:2379\"]\n"

    @Test func absentOrUnnamedIsNoCluster() throws {
        #expect(try !DaemonSettings.parse("", file: "vigild.yaml").cluster.isEnabled)
        #expect(try !DaemonSettings.parse("cluster:\n  name: \"\"\n", file: "vigild.yaml").cluster.isEnabled)
    }

    @Test func theDefaultsAndTheKeys() throws {
        let cluster = try DaemonSettings.parse(Self.minimal + "  node: vigil-a\n", file: "vigild.yaml").cluster
        #expect(cluster.isEnabled && cluster.node == "vigil-a" && cluster.keyPrefix == "/vigil/east")
        #expect(cluster.leaseTTLSeconds == 3 && cluster.keepAliveIntervalMs == 500 && cluster.etcdTimeoutMs == 400 && cluster.demoteMarginMs == 500)
        #expect(cluster.advertisedReplication == "tcp://127.0.0.1:7605")
        try cluster.checkNode()
        let other = try DaemonSettings.parse(
            Self.minimal + "  prefix: /sites\n  lease_ttl_s: 10\n  replication: {bind: \"tcp://0.0.0.0:7605\", advertise: \"tcp://10.0.0.2:7605\"}\n",
            file: "vigild.yaml"
        ).cluster
        #expect(other.keyPrefix == "/sites/east" && other.leaseTTLSeconds == 10 && other.advertisedReplication == "tcp://10.0.0.2:7605")
    }

    @Test func aNodeNameIsRequired() throws {
        let cluster = try DaemonSettings.parse(Self.minimal, file: "vigild.yaml").cluster
        #expect(throws: ConfigError.self) { try cluster.checkNode() }
    }

    @Test(arguments: [
        ("cluster:\n  name: east\n  etcd: [\"http://127.0.0.1:2379\"]\nstate:\n  dir: \"\"\n", "cluster"),
        (minimal.replacingOccurrences(of: "name: east", with: "name: \"east/1\""), "cluster.name"),
        (minimal + "  node: \"a b\"\n", "cluster.node"),
        ("state:\n  dir: s\ncluster:\n  name: east\n", "cluster.etcd"),
        (minimal.replacingOccurrences(of: "http://127.0.0.1:2379", with: "127.0.0.1:2379"), "cluster.etcd[0]"),
        (minimal + "  prefix: vigil\n", "cluster.prefix"),
        (minimal + "  prefix: /vigil/\n", "cluster.prefix"),
        (minimal + "  lease_ttl_s: 1\n", "cluster.lease_ttl_s"),
        (minimal + "  keepalive_interval_ms: 2000\n", "cluster.keepalive_interval_ms"),
        (minimal + "  etcd_timeout_ms: 600\n", "cluster.etcd_timeout_ms"),
        (minimal + "  lease_ttl_s: 2\n  demote_margin_ms: 600\n  keepalive_interval_ms: 500\n", "cluster"),
        (minimal + "  replication: {bind: \"7605\"}\n", "cluster.replication.bind"),
        (minimal + "  replication: {port: 7605}\n", "cluster.replication"),
        (minimal + "  members: 3\n", "cluster"),
    ])
    func mistakesNameTheFileAndKey(text: String, key: String) {
        do {
            _ = try DaemonSettings.parse(text, file: "vigild.yaml")
            Issue.record("taken: \(text)")
        } catch {
            #expect(error.file == "vigild.yaml" && error.key.hasPrefix(key), "\(error)")
        }
    }
}
