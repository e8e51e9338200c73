import Dispatch
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
final class CatchUpServer: PipelineStage {
    /// The largest request frame taken (a request is about 100 bytes). A peer that sends a
    /// larger frame is disconnected by libzmq before it is read into memory (ZMQ_MAXMSGSIZE); it
    /// is also the largest frame `receiveMessage` keeps whole, so no frame reaches the request
    /// reader emptied.
    static let maxRequestBytes: Int64 = 1 << 20
    /// Pages queued for one consumer at most (ZMQ_SNDHWM, in whole messages).
    static let maxQueuedPages: Int32 = 4

    private let socket: ZMQSocket
    private let journalPath: String?
    private let thread = ServiceThread(name: "vigil.catchup")
    private let counters = Mutex(CatchUpStats())
    private let logger: Logger

    /// Creates the ROUTER socket and binds `endpoint`. `journalPath` is nil when the daemon keeps
    /// no journal: every request is then answered with an error saying so.
    init(context: ZMQContext, endpoint: String, security: EndpointSecurity = .plaintext, journalPath: String?, logger: Logger) throws(DaemonError) {
        self.journalPath = journalPath
        self.logger = logger
        var plan = SocketPlan(.router)
        plan.maxMessageBytes = Self.maxRequestBytes
        // A consumer that asks and never reads gets at most this many pages queued; the rest are
        // dropped (counted), not buffered: a REQ client has one request out at a time.
        plan.sendHighWaterMark = Self.maxQueuedPages
        plan.routerMandatory = true
        security.apply(to: &plan, domain: .catchup)
        plan.bind = [endpoint]
        do { socket = try context.open(plan) } catch {
            throw DaemonError(socket: "the catch-up socket", bound: "catch-up endpoint", error)
        }
    }

    let name = "catch-up"

    /// Starts the server's thread.
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
        var lastDropLogMs: Int64 = .min / 2
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
            do throws(RequestRefusal) {
                let request = try CatchUpRequest.decode(body)
                if reader == nil, let journalPath {
                    do { reader = try JournalReader(path: journalPath) } catch { throw RequestRefusal("the journal cannot be read: \(error)") }
                }
                guard let reader else { throw RequestRefusal("this daemon keeps no journal (state.dir is empty)") }
                let page: JournalPage
                do { page = try reader.page(after: request.after, limit: request.limit, prefix: request.prefix) } catch {
                    logger.error("catch-up read failed", metadata: ["error": "\(error)"])
                    throw RequestRefusal("the journal cannot be read: \(error)")
                }
                reply = Self.frames(page, after: request.after)
                counters.withLock {
                    $0.requests += 1
                    $0.alertsServed += UInt64(page.records.count)
                }
            } catch {
                reply = error.catchUpFrames()
                counters.withLock { $0.refused += 1 }
            }
            // Never blocks: a reply that cannot be queued (the consumer does not read, or is gone)
            // is dropped and counted.
            let sent: Bool
            do { sent = try socket.send(envelope + reply, dontWait: true) } catch { sent = false }
            if !sent {
                counters.withLock { $0.repliesDropped += 1 }
                let nowMs = WallClock.nowMs()
                if nowMs - lastDropLogMs >= 10_000 {
                    lastDropLogMs = nowMs
                    logger.warning(
                        "catch-up reply dropped: the consumer is not reading its replies, or is gone",
                        metadata: ["pages.queued_max": "\(Self.maxQueuedPages)", "replies.dropped": "\(counters.withLock { $0.repliesDropped })"])
                }
            }
        }
    }

    /// `catchup`, the header, then topic and payload of each alert of `page`.
    static func frames(_ page: JournalPage, after: UInt64) -> [[UInt8]] {
        CatchUpPage(
            after: after, lastSeq: page.lastSeq, latestSeq: page.latestSeq, oldestSeq: page.oldestSeq, more: page.more,
            alerts: page.records.map { CatchUpPage.Alert(topic: $0.topic, payload: $0.payload) }
        ).frames()
    }
}

/// Counters of the catch-up endpoint.
public struct CatchUpStats: Sendable, Equatable {
    /// Requests answered with a page.
    public var requests: UInt64 = 0
    /// Requests refused (malformed, or no journal).
    public var refused: UInt64 = 0
    /// Alerts sent in pages.
    public var alertsServed: UInt64 = 0
    /// Replies dropped: the consumer had ``CatchUpServer/maxQueuedPages`` unread, or was gone.
    public var repliesDropped: UInt64 = 0

    /// Zero counters.
    public init() {}
}
