import Foundation
import Testing
import ZeroMQ

/// CurveZMQ and ZAP on real sockets: keys, a CURVE server that asks a ZAP handler, the sender's
/// user id on each message.
@Suite struct CurveTests {
    @Test func keysRoundTripThroughZ85AndASecretKeyGivesItsPublicKey() throws {
        #expect(CurveKeyPair.isAvailable)
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40)
        #expect(CurveKey(z85: pair.publicKey.z85) == pair.publicKey)
        #expect(try CurveKeyPair(secretKey: pair.secretKey).publicKey == pair.publicKey)
        #expect(pair.secretKey.description == "<secret key>")
        #expect(pair.publicKey.description == pair.publicKey.z85)
        // RFC 32's test vector: 8 bytes; a key is 32, so check the alphabet and the length instead.
        #expect(CurveKey(z85: String(pair.publicKey.z85.dropLast())) == nil)
        #expect(CurveKey(z85: String(pair.publicKey.z85.dropLast()) + "\"") == nil)
        #expect(CurveKey(bytes: [UInt8](repeating: 1, count: 31)) == nil)
    }

    /// A ZAP handler (RFC 27) on its own thread: allows `allowed` (public key → user id),
    /// refuses every other key; records the requests' domains.
    final class ZapHandler: @unchecked Sendable {
        let socket: ZMQSocket
        let allowed: [CurveKey: String]
        private let lock = NSLock()
        private var seen: [(domain: String, mechanism: String, allowed: Bool)] = []
        private var running = true
        private let done = DispatchSemaphore(value: 0)

        init(context: ZMQContext, allowed: [CurveKey: String]) throws {
            socket = try ZMQSocket(context: context, type: .rep)
            try socket.bind("inproc://zeromq.zap.01")
            self.allowed = allowed
            Thread.detachNewThread { [self] in
                while lock.withLock({ running }) {
                    guard (try? socket.waitForInput(timeoutMs: 20)) == true, let request = try? socket.receiveMessage() else { continue }
                    // version, request id, domain, address, identity, mechanism, credentials…
                    let mechanism = String(decoding: request[5], as: UTF8.self)
                    let user = mechanism == "CURVE" ? CurveKey(bytes: request[6]).flatMap { allowed[$0] } : nil
                    lock.withLock { seen.append((String(decoding: request[2], as: UTF8.self), mechanism, user != nil)) }
                    let reply: [[UInt8]] = [
                        Array("1.0".utf8), request[1], Array((user != nil ? "200" : "400").utf8), Array((user != nil ? "OK" : "unknown key").utf8),
                        Array((user ?? "").utf8), [],
                    ]
                    _ = try? socket.send(reply)
                }
                socket.close()
                done.signal()
            }
        }

        var requests: [(domain: String, mechanism: String, allowed: Bool)] { lock.withLock { seen } }

        func stop() {
            lock.withLock { running = false }
            done.wait()
        }
    }

    @Test func aCurveServerLetsInTheKeysItsZapHandlerAllowsAndNamesTheirSender() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let gateway = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let handler = try ZapHandler(context: context, allowed: [gateway.publicKey: "gw-rabia"])
        defer { handler.stop() }

        var plan = SocketPlan(.sub)
        plan.security = .curveServer(secretKey: server.secretKey)
        plan.zapDomain = "ingest"
        plan.subscribe = [""]
        plan.bind = ["tcp://127.0.0.1:*"]
        var bound: [String] = []
        let receiver = try context.open(plan, bound: &bound)
        defer { receiver.close() }

        func publisher(_ keys: CurveKeyPair, serverKey: CurveKey) throws -> ZMQSocket {
            var plan = SocketPlan(.pub)
            plan.security = .curveClient(serverKey: serverKey, keys: keys)
            plan.connect = bound
            return try context.open(plan)
        }
        let allowed = try publisher(gateway, serverKey: server.publicKey)
        let refused = try publisher(stranger, serverKey: server.publicKey)
        let wrongServer = try publisher(gateway, serverKey: stranger.publicKey)
        var plaintextPlan = SocketPlan(.pub)
        plaintextPlan.connect = bound
        let plaintext = try context.open(plaintextPlan)
        defer { [allowed, refused, wrongServer, plaintext].forEach { $0.close() } }

        var batch = MessageBatch()
        batch.recordsPeers = true
        var senders: Set<String> = []
        var payloads: Set<String> = []
        // 1.5 s of sending from all four: time for every handshake to be tried, and refused.
        let deadline = Date().addingTimeInterval(1.5)
        while Date() < deadline {
            for (socket, name) in [(allowed, "allowed"), (refused, "refused"), (wrongServer, "wrong-server"), (plaintext, "plaintext")] {
                try socket.send(topic: "det.S1.c", payload: Array(name.utf8))
            }
            if try receiver.waitForInput(timeoutMs: 20) {
                batch.removeAll()
                while try receiver.receive(into: &batch, dontWait: true) {}
                for index in 0..<batch.count {
                    let frames = batch.frames(ofMessage: index)
                    payloads.insert(batch.withBytes(of: frames[frames.startIndex + 1]) { String(decoding: $0, as: UTF8.self) })
                    if let peer = batch.peer(ofMessage: index) { senders.insert(peer) }
                }
            }
        }
        #expect(payloads == ["allowed"])
        #expect(senders == ["gw-rabia"])
        let requests = handler.requests
        #expect(requests.contains { $0.domain == "ingest" && $0.mechanism == "CURVE" && $0.allowed })
        #expect(requests.contains { $0.domain == "ingest" && $0.mechanism == "CURVE" && !$0.allowed }, "the stranger was put to the handler")
    }
}
