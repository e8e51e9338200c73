import ArgumentParser
import Foundation
import VigilWire

/// `vigil cluster`: a vigild cluster as its nodes see it (README, "A cluster").
struct ClusterCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "A vigild cluster's nodes: who is active, under which epoch, how far each standby is behind.",
        subcommands: [ClusterStatus.self])
}

/// `vigil cluster status CONTROL...`: asks each node's control endpoint for its `stats` and
/// prints one line a node.
struct ClusterStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Ask each node's control endpoint; print node, role, epoch, seq, lag and the active node's lease.",
        discussion: """
            Exits 0 when every node answered, exactly one is active and every standby follows it with no lag in seq; \
            1 when the cluster is degraded (a node silent, no active node or two, a standby behind or following \
            another); 2 when no node answered.
            """)

    @Argument(help: "Each node's control endpoint (control.bind), e.g. tcp://127.0.0.1:7603.")
    var endpoints: [String]

    @Option(help: "Give up on a node after this many seconds.")
    var timeout: Double = 1

    @OptionGroup var keys: ClientKeys

    func run() throws {
        var rows: [(endpoint: String, node: StatsMessage.Cluster?, problem: String?)] = []
        for endpoint in endpoints {
            var control = ControlEndpoint()
            control.endpoint = endpoint
            control.timeout = timeout
            control.keys = keys
            do {
                let stats = try StatsMessage.decode(try control.okReply("stats"))
                guard let cluster = stats.cluster else {
                    rows.append((endpoint, nil, "not a cluster node (no cluster section in its stats)"))
                    continue
                }
                rows.append((endpoint, cluster, nil))
            } catch let failure as Failure {
                rows.append((endpoint, nil, failure.message))
            } catch {
                rows.append((endpoint, nil, "its stats cannot be read: \(error)"))
            }
        }
        let nodes = rows.compactMap(\.node)
        let actives = nodes.filter { $0.role == "active" }
        print("node       role     epoch   seq      lag_seq  lease_s  endpoint")
        for row in rows {
            guard let node = row.node else {
                print("-          -        -       -        -        -        \(row.endpoint): \(row.problem ?? "")")
                continue
            }
            let lease = node.role == "active" ? String(format: "%.1f", Double(node.leaseRemainingMs) / 1_000) : "-"
            let lag = node.role == "active" ? "-" : String(node.lagSeq)
            print(
                [pad(node.node, 10), pad(node.role, 8), pad(String(node.epoch), 7), pad(String(node.seq), 8), pad(lag, 8), pad(lease, 8), row.endpoint]
                    .joined(separator: " "))
        }
        guard !nodes.isEmpty else { throw ExitCode(2) }
        var problems: [String] = []
        if nodes.count < rows.count { problems.append("\(rows.count - nodes.count) of \(rows.count) nodes did not answer as cluster nodes") }
        if actives.count != 1 { problems.append(actives.isEmpty ? "no active node" : "\(actives.count) nodes say they are active") }
        if let active = actives.first {
            for standby in nodes where standby.role != "active" {
                if standby.active != active.node || standby.epoch != active.epoch {
                    problems.append("\(standby.node) follows \(standby.active.isEmpty ? "no node" : standby.active) (epoch \(standby.epoch)), not \(active.node) (epoch \(active.epoch))")
                } else if standby.lagSeq > 0 {
                    problems.append("\(standby.node) is \(standby.lagSeq) seq behind")
                }
            }
        }
        for problem in problems { FileHandle.standardError.write(Data("vigil cluster status: \(problem)\n".utf8)) }
        if !problems.isEmpty { throw ExitCode(1) }
    }

    private func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
}
