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

    /// Starts etcd.
    private init() throws {
        guard let binary = Self.binary else { throw Failure("etcd is not installed (Debian: apt-get install etcd-server)") }
        let client = try Self.freePort(), peer = try Self.freePort()
        endpoint = "http://127.0.0.1:\(client)"
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-etcd-\(UUID().uuidString)")
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--name", "test", "--data-dir", dataDir.path,
            "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "test=http://127.0.0.1:\(peer)", "--log-level", "error",
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
