import Dispatch
import Foundation
import Logging
import Synchronization
import VigilCore
import VigilJournal
import ZeroMQ

/// Serves the journal to consumers that missed alerts, on a ROUTER socket and its own thread
/// (the ZeroMQ guide's Clone pattern; the protocol is in the README): a request names the last
/// `seq` the consumer has, the reply carries up to a page of the alerts after it, exactly as
/// published.
///
/// One reply per request, a page at a time, so a consumer far behind pulls the journal at its
/// own pace and ROUTER never has to drop a reply for a slow peer. The journal is read on this
/// thread's own connection: catching up never waits for, or holds up, the writer.
///
/// The socket and the reader belong to the thread (``ServiceThread``); the counters are shared.
final class CatchUpServer: Sendable {
    /// Alerts per reply when the request does not say, and at most.
    static let defaultLimit = 1_000
    static let maxLimit = 10_000
    /// The largest request frame taken (a request is about 100 bytes). A peer that sends a
    /// larger frame is disconnected by libzmq before it is read into memory (ZMQ_MAXMSGSIZE); it
    /// is also the largest frame `receiveMessage` keeps whole, so no frame reaches the request
    /// reader emptied.
    static let maxRequestBytes: Int64 = 1 << 20

    private let socket: ZMQSocket
    private let journalPath: String?
    private let thread = ServiceThread(name: "vigil.catchup")
    private let counters = Mutex(CatchUpStats())
    private let logger: Logger

    /// Creates the ROUTER socket and binds `endpoint`. `journalPath` is nil when the daemon keeps
    /// no journal: every request is then answered with an error saying so.
    init(context: ZMQContext, endpoint: String, journalPath: String?, logger: Logger) throws(DaemonError) {
        self.journalPath = journalPath
        self.logger = logger
        do {
            socket = try ZMQSocket(context: context, type: .router)
        } catch {
            throw DaemonError(.socket, "cannot create the catch-up socket: \(error)")
        }
        do { try socket.setMaxMessageSize(Self.maxRequestBytes) } catch {
            socket.close()
            throw DaemonError(.socket, "cannot configure the catch-up socket: \(error)")
        }
        do { try socket.bind(endpoint) } catch {
            socket.close()
            throw DaemonError(.bind, "cannot bind the catch-up endpoint \(endpoint): \(error)")
        }
    }

    func start() {
        thread.start { [self] in run() }
    }

    /// Stops the thread, which closes the socket; returns whether it did so before `deadline`.
    /// A server never started closes its socket here.
    func stop(deadline: DispatchTime) -> Bool {
        thread.stop(deadline: deadline) { socket.close() }
    }

    /// Requests answered, refused, and alerts served.
    func stats() -> CatchUpStats {
        counters.withLock { $0 }
    }

    private func run() {
        defer { socket.close() }
        var reader: JournalReader?
        while !thread.isStopping {
            let message: [[UInt8]]
            do {
                guard try socket.waitForInput(timeoutMs: 100), let received = try socket.receiveMessage(dontWait: true) else { continue }
                message = received
            } catch {
                logger.error("catch-up socket failed", metadata: ["error": "\(error)"])
                return
            }
            // [identity, empty delimiter (REQ, or a DEALER that sends one), command, request].
            guard message.count >= 2 else { continue }
            let delimited = message.count >= 2 && message[1].isEmpty
            let envelope = Array(message[0..<(delimited ? 2 : 1)])
            let body = Array(message[envelope.count...])
            let reply: [[UInt8]]
            do throws(CatchUpError) {
                let request = try CatchUpRequest(body)
                if reader == nil, let journalPath {
                    do { reader = try JournalReader(path: journalPath) } catch { throw CatchUpError("the journal cannot be read: \(error)") }
                }
                guard let reader else { throw CatchUpError("this daemon keeps no journal (state.dir is empty)") }
                let page: JournalPage
                do { page = try reader.page(after: request.after, limit: request.limit, prefix: request.prefix) } catch {
                    logger.error("catch-up read failed", metadata: ["error": "\(error)"])
                    throw CatchUpError("the journal cannot be read: \(error)")
                }
                reply = Self.frames(page, after: request.after)
                counters.withLock {
                    $0.requests += 1
                    $0.alertsServed += UInt64(page.records.count)
                }
            } catch {
                var body = Array(#"{"v":1,"error":"#.utf8)
                JSONString.append(error.message, to: &body)
                body.append(UInt8(ascii: "}"))
                reply = [Array("error".utf8), body]
                counters.withLock { $0.refused += 1 }
            }
            do { try socket.send(envelope + reply) } catch {
                logger.error("catch-up reply failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// `catchup`, the header, then topic and payload of each alert.
    static func frames(_ page: JournalPage, after: UInt64) -> [[UInt8]] {
        let header = #"{"v":1,"after":\#(after),"last_seq":\#(page.lastSeq),"latest_seq":\#(page.latestSeq),"oldest_seq":\#(page.oldestSeq),"count":\#(page.records.count),"more":\#(page.more)}"#
        var frames: [[UInt8]] = [Array("catchup".utf8), Array(header.utf8)]
        frames.reserveCapacity(2 + page.records.count * 2)
        for record in page.records {
            frames.append(Array(record.topic.utf8))
            frames.append(record.payload)
        }
        return frames
    }
}

/// A catch-up request: frames `catchup` and `{"after": N, "limit": L, "prefix": "alert.critical."}`.
/// Unknown fields are ignored, as in the wire contract, so a newer consumer can ask more of an
/// older daemon.
///
/// Every value a peer can send is either taken or refused with a message naming the field:
/// `after` is any whole number from 0 to 2^64 - 1 (a number written with a fraction or an
/// exponent is taken when its value is whole, `1.0` or `1e3`, as JSON readers do); a negative,
/// fractional or larger `after`, or one beyond any double (`1e400`), is refused, and so is a
/// `limit` outside 1...10,000 or a `prefix` over 256 bytes.
struct CatchUpRequest {
    var after: UInt64
    var limit: Int
    var prefix: String

    /// The longest `prefix` taken, in bytes of UTF-8.
    static let maxPrefixBytes = 256

    init(_ frames: [[UInt8]]) throws(CatchUpError) {
        guard frames.count == 2, String(decoding: frames[0], as: UTF8.self) == "catchup" else {
            throw CatchUpError("a request is two frames: catchup, and a JSON object such as {\"after\": 0}")
        }
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: Data(frames[1])) } catch let error as CatchUpError {
            throw error
        } catch let refusal as WholeNumberField.Refusal {
            throw CatchUpError(refusal.description)
        } catch {
            throw CatchUpError("the request must be a JSON object whose \"after\" is the last seq you have, an integer of 0 or more")
        }
        after = body.after
        limit = body.limit ?? CatchUpServer.defaultLimit
        guard (1...CatchUpServer.maxLimit).contains(limit) else { throw CatchUpError("\"limit\" must be from 1 to \(CatchUpServer.maxLimit)") }
        prefix = body.prefix ?? ""
        guard prefix.utf8.count <= Self.maxPrefixBytes else { throw CatchUpError("\"prefix\" must be at most \(Self.maxPrefixBytes) bytes") }
    }

    /// The JSON object, each number read exactly: a field of the wrong kind throws a
    /// ``CatchUpError`` that names it and says what it holds, so a consumer learns what to fix.
    private struct Body: Decodable {
        var after: UInt64
        var limit: Int?
        var prefix: String?

        private enum CodingKeys: String, CodingKey { case after, limit, prefix }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            guard fields.contains(.after) else {
                throw CatchUpError("the request has no \"after\": give the last seq you have, 0 for everything held")
            }
            after = try WholeNumberField.decode(
                UInt64.self, .after, in: fields, expected: "the last seq you have, a whole number from 0 to \(UInt64.max)"
            ).get()
            if fields.contains(.limit), !(try fields.decodeNil(forKey: .limit)) {
                limit = try WholeNumberField.decode(Int.self, .limit, in: fields, expected: "a whole number from 1 to \(CatchUpServer.maxLimit)").get()
            }
            if fields.contains(.prefix), !(try fields.decodeNil(forKey: .prefix)) {
                guard let text = try? fields.decode(String.self, forKey: .prefix) else {
                    throw CatchUpError("\"prefix\" must be a string, the start of the topics wanted (\"alert.critical.\")")
                }
                prefix = text
            }
        }
    }
}

/// Why a catch-up request was refused.
struct CatchUpError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Counters of the catch-up endpoint.
public struct CatchUpStats: Sendable, Equatable {
    /// Requests answered with a page.
    public var requests: UInt64 = 0
    /// Requests refused (malformed, or no journal).
    public var refused: UInt64 = 0
    /// Alerts sent in pages.
    public var alertsServed: UInt64 = 0

    /// Zero counters.
    public init() {}
}
