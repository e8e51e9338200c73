import Foundation
import Synchronization
import VigilWire
import ZeroMQ

/// vigild's alert socket (PUB) and catch-up endpoint (ROUTER) as a test plays them, on real
/// sockets on loopback: a journal of alerts held in memory, served in pages as the README's
/// "durable alert stream" says, published live unless the test holds them back, with a heartbeat
/// every 50 ms. What the test wants of the next requests (refuse, say nonsense, stay silent) it
/// queues with ``answerNext(_:)``.
///
/// The sockets are created and bound on the test's thread and then belong to the serving thread
/// alone until ``stop()`` has joined it.
final class FakeDaemon: @unchecked Sendable {
    /// What the endpoint does with one request.
    enum Answer: Sendable {
        /// A page of the journal, as vigild serves it.
        case page
        /// An `error` reply with this message.
        case refuse(String)
        /// A reply that is not a catch-up page.
        case nonsense
        /// No reply at all (the request is dropped, as by a daemon that died with it in hand).
        case silence
    }

    /// What the serving thread and the test share.
    private struct State {
        var journal: [UInt64] = []
        /// Seqs in the journal that are not published live (the consumer must catch them up).
        var heldBack: Set<UInt64> = []
        var publishedUpTo: UInt64 = 0
        var answers: [Answer] = []
        var requests: [CatchUpRequest] = []
        var stopping = false
    }

    let alertEndpoint: String
    let catchUpEndpoint: String
    private let context: ZMQContext
    private let router: ZMQSocket
    private let publisher: ZMQSocket
    private let state = Mutex(State())
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    /// The topic every fake alert is published on.
    static let topic = "alert.critical.S01.border"

    /// The payload of alert `seq`.
    static func payload(_ seq: UInt64) -> [UInt8] {
        Array(#"{"v":1,"seq":\#(seq),"id":"al-\#(seq)","state":"raised"}"#.utf8)
    }

    /// Binds both sockets on loopback and starts serving a journal of `journal`.
    init(journal: ClosedRange<UInt64>? = nil) throws {
        context = try ZMQContext()
        router = try ZMQSocket(context: context, type: .router)
        publisher = try ZMQSocket(context: context, type: .pub)
        catchUpEndpoint = try router.bind("tcp://127.0.0.1:*")
        alertEndpoint = try publisher.bind("tcp://127.0.0.1:*")
        if let journal { append(journal, live: false) }
        let thread = Thread { [self] in
            serve()
            done.signal()
        }
        self.thread = thread
        thread.start()
    }

    /// Adds `seqs` to the journal; published live when `live`, else only served by catch-up.
    func append(_ seqs: ClosedRange<UInt64>, live: Bool) {
        state.withLock { state in
            state.journal += Array(seqs)
            if !live { state.heldBack.formUnion(seqs) }
        }
    }

    /// Queues what the endpoint does with the next requests, in order (then pages again).
    func answerNext(_ answers: Answer...) {
        state.withLock { $0.answers += answers }
    }

    /// The requests received so far.
    var requests: [CatchUpRequest] { state.withLock { $0.requests } }

    /// Stops serving and closes the sockets.
    func stop() {
        state.withLock { $0.stopping = true }
        done.wait()
        router.close()
        publisher.close()
    }

    private func serve() {
        var lastBeat = ContinuousClock.now
        while !state.withLock({ $0.stopping }) {
            if (try? router.waitForInput(timeoutMs: 10)) == true, let frames = try? router.receiveMessage(dontWait: true) {
                answer(frames)
            }
            for payload in state.withLock({ Self.due(&$0) }) { _ = try? publisher.send(topic: Self.topic, payload: payload) }
            if lastBeat.duration(to: .now) >= .milliseconds(50) {
                lastBeat = .now
                let beat = state.withLock { Heartbeat(latestSeq: $0.journal.last ?? 0, oldestSeq: $0.journal.first ?? 0, ts: 0) }
                _ = try? publisher.send(topic: Heartbeat.topic, payload: beat.encoded())
            }
        }
    }

    /// The alerts to publish now: those appended since the last call and not held back.
    private static func due(_ state: inout State) -> [[UInt8]] {
        let fresh = state.journal.filter { $0 > state.publishedUpTo }
        state.publishedUpTo = state.journal.last ?? 0
        return fresh.filter { !state.heldBack.contains($0) }.map(payload)
    }

    /// Replies to one ROUTER message: identity, empty delimiter, then the request's frames.
    private func answer(_ frames: [[UInt8]]) {
        guard frames.count >= 3 else { return }
        let envelope = Array(frames[0..<2])
        let body = Array(frames[2...])
        let (answer, page): (Answer, CatchUpPage?) = state.withLock { state in
            let answer = state.answers.isEmpty ? .page : state.answers.removeFirst()
            guard let request = try? CatchUpRequest.decode(body) else { return (answer, nil) }
            state.requests.append(request)
            let after = state.journal.filter { $0 > request.after }
            let served = after.prefix(request.limit)
            return (
                answer,
                CatchUpPage(
                    after: request.after, lastSeq: served.last ?? max(request.after, state.journal.last ?? 0),
                    latestSeq: state.journal.last ?? 0, oldestSeq: state.journal.first ?? 0, more: after.count > served.count,
                    alerts: served.map { CatchUpPage.Alert(topic: Self.topic, payload: Self.payload($0)) })
            )
        }
        let reply: [[UInt8]]
        switch answer {
        case .silence: return
        case .refuse(let message): reply = RequestRefusal(message).catchUpFrames()
        case .nonsense: reply = [Array("catchup".utf8)]
        case .page:
            guard let page else { reply = RequestRefusal("not a catch-up request").catchUpFrames(); break }
            reply = page.frames()
        }
        _ = try? router.send(envelope + reply)
    }
}
