import Foundation
@testable import VigilCluster

/// A real etcd server (Debian's `etcd-server`) for one test: one member on free loopback ports,
/// its data in a directory of its own, stopped (SIGKILL) and removed when the test is done.
final class EtcdProcess {
    let endpoint: String
    private let process: Process
    private let dataDir: URL

    /// The etcd binary: `$VIGIL_ETCD`, or the first of the usual places that exists.
    static var binary: String? {
        if let path = ProcessInfo.processInfo.environment["VIGIL_ETCD"] { return path }
        return ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts etcd and waits (up to 15 s) until it answers.
    static func start() async throws -> EtcdProcess {
        let etcd = try EtcdProcess()
        let client = EtcdClient(endpoints: [etcd.endpoint], requestTimeoutMs: 500)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if (try? await client.get(Array("/".utf8))) != nil { return etcd }
            try await Task.sleep(for: .milliseconds(100))
        }
        etcd.stop()
        throw Failure("etcd did not answer at \(etcd.endpoint) within 15 s")
    }

    /// Starts a cluster of `count` members, and waits (up to 15 s) until each answers.
    static func startCluster(_ count: Int) async throws -> [EtcdProcess] {
        let ports = try (0..<count).map { _ in (client: try freePort(), peer: try freePort()) }
        let initial = ports.enumerated().map { "m\($0.offset)=http://127.0.0.1:\($0.element.peer)" }.joined(separator: ",")
        let members = try ports.enumerated().map { try EtcdProcess(name: "m\($0.offset)", client: $0.element.client, peer: $0.element.peer, initialCluster: initial) }
        let deadline = ContinuousClock.now + .seconds(15)
        for member in members {
            let client = EtcdClient(endpoints: [member.endpoint], requestTimeoutMs: 500)
            while (try? await client.get(Array("/".utf8))) == nil {
                guard ContinuousClock.now < deadline else {
                    for member in members { member.stop() }
                    throw Failure("the etcd cluster did not answer at \(member.endpoint) within 15 s")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return members
    }

    /// Starts etcd, alone.
    private convenience init() throws {
        let client = try Self.freePort(), peer = try Self.freePort()
        try self.init(name: "test", client: client, peer: peer, initialCluster: "test=http://127.0.0.1:\(peer)")
    }

    /// Starts member `name` of the cluster `initialCluster` describes.
    private init(name: String, client: Int, peer: Int, initialCluster: String) throws {
        guard let binary = Self.binary else { throw Failure("etcd is not installed (Debian: apt-get install etcd-server)") }
        endpoint = "http://127.0.0.1:\(client)"
        // In memory where the machine has it: etcd syncs its log to disk on every write, and on a
        // disk busy with other tests a sync can outlast the requests' timeouts.
        let parent = FileManager.default.isWritableFile(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        dataDir = parent.appendingPathComponent("vigil-etcd-\(UUID().uuidString)")
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--name", name, "--data-dir", dataDir.path,
            "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", initialCluster, "--initial-cluster-state", "new", "--log-level", "error",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// The server's process id, while it runs.
    var pid: Int32? { process.isRunning ? process.processIdentifier : nil }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dataDir)
    }

    deinit { stop() }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
