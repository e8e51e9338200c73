import Foundation
import Testing
import ZeroMQ

@testable import VigilPipeline

/// What the connection guard relies on, on real sockets: libzmq's monitor reports each accepted
/// connection with its descriptor; the kernel's count of bytes a peer sent tells a peer through
/// its handshake from one that is not; a shutdown under libzmq closes that one connection.
///
/// Serialized, and every socket of a test kept open to its end: a client closing while a new
/// server takes its port could connect to the wrong one (seen on a loaded machine).
@Suite(.serialized) struct ConnectionGuardTests {
    /// A server socket of `type` on a free loopback port with a monitor, and the PAIR reading it.
    struct Watched {
        let server: ZMQSocket
        let monitor: ZMQSocket
        let endpoint: String

        init(_ context: ZMQContext, _ type: SocketType, curve: CurveKeyPair?, name: String) throws {
            var watch = SocketPlan(.pair)
            watch.connect = ["inproc://test.\(name)"]
            monitor = try context.open(watch)
            var plan = SocketPlan(type)
            if let curve { plan.security = .curveServer(secretKey: curve.secretKey) }
            plan.monitor = "inproc://test.\(name)"
            plan.bind = ["tcp://127.0.0.1:*"]
            var bound: [String] = []
            server = try context.open(plan, bound: &bound)
            endpoint = bound[0]
        }

        /// The next event of `kind`, within 10 s (a loaded machine).
        func next(_ kind: SocketEvent.Kind) throws -> SocketEvent? {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                guard try monitor.waitForInput(timeoutMs: 50), let frames = try monitor.receiveMessage(dontWait: true) else { continue }
                if let event = SocketEvent(frames: frames), event.kind == kind { return event }
            }
            return nil
        }

        func close() {
            server.close()
            monitor.close()
        }
    }

    /// Every pair of socket types vigild's endpoints see (ingest SUB ← gateway PUB, alerts PUB ←
    /// consumer SUB, catch-up ROUTER ← DEALER or REQ, control REP ← REQ), NULL and CURVE: the
    /// server's side of each completed handshake has received at least
    /// `ConnectionGuard.handshakeBytes`, so the guard never takes a peer through its handshake for
    /// one that is not.
    @Test(arguments: [false, true])
    func aCompletedHandshakeHasSentAtLeastTheShortestHandshake(curve: Bool) throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let serverKeys = try CurveKeyPair.generate()
        let pairs: [(SocketType, SocketType)] = [(.sub, .pub), (.pub, .sub), (.router, .dealer), (.router, .req), (.rep, .req)]
        var open: [Watched] = [], clients: [ZMQSocket] = []
        defer {
            for client in clients { client.close() }
            for watched in open { watched.close() }
        }
        for (index, (serverType, clientType)) in pairs.enumerated() {
            let watched = try Watched(context, serverType, curve: curve ? serverKeys : nil, name: "bytes\(index)")
            open.append(watched)
            var plan = SocketPlan(clientType)
            if curve { plan.security = .curveClient(serverKey: serverKeys.publicKey, keys: try CurveKeyPair.generate()) }
            plan.connect = [watched.endpoint]
            clients.append(try context.open(plan))
            let accepted = try #require(try watched.next(.accepted))
            let connection = try #require(AcceptedConnection(descriptor: Int32(bitPattern: accepted.value)))
            #expect(connection.localPort == ConnectionGuard.port(of: watched.endpoint))
            #expect(try watched.next(.handshakeSucceeded) != nil)
            let received = try #require(connection.bytesReceived)
            #expect(received >= ConnectionGuard.handshakeBytes(curve: curve), "\(serverType) ← \(clientType), curve \(curve): \(received) bytes")
        }
    }

    /// A bare TCP connection has sent nothing; shut down under libzmq, its peer reads the end of
    /// the stream and libzmq reports it disconnected with the same descriptor. The descriptor
    /// then no longer names it, and a second shutdown does nothing.
    @Test func aShutdownClosesThatConnectionAndLibzmqReportsIt() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let watched = try Watched(context, .sub, curve: nil, name: "shutdown")
        defer { watched.close() }
        let port = try #require(ConnectionGuard.port(of: watched.endpoint))
        let peer = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(peer) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(peer, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let accepted = try #require(try watched.next(.accepted))
        let connection = try #require(AcceptedConnection(descriptor: Int32(bitPattern: accepted.value)))
        Thread.sleep(forTimeInterval: 0.05)
        #expect(connection.bytesReceived == 0)
        #expect(connection.shutdown())
        // libzmq sent its greeting on accepting; then the stream ends.
        var buffer = [UInt8](repeating: 0, count: 256)
        var total = 0
        while true {
            let n = recv(peer, &buffer, buffer.count, 0)
            if n <= 0 { break }
            total += n
        }
        #expect(total < 64)
        let gone = try #require(try watched.next(.disconnected))
        #expect(gone.value == accepted.value)
        #expect(!connection.isCurrent)
        #expect(!connection.shutdown())
    }
}
