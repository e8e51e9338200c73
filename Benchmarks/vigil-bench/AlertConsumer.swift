import Dispatch
import Foundation
import Synchronization
import ZeroMQ

/// A consumer of vigild's alerts on its own thread: a SUB socket subscribed to `alert.` (or another topic) that
/// stamps each message with the monotonic clock the moment it is received, and keeps its payload
/// for reading after the run.
///
/// `@unchecked Sendable`: `arrivals` and the socket belong to the receiving thread until
/// ``stop()`` has waited for it to finish; `received` and `stopping` are atomics.
final class AlertConsumer: @unchecked Sendable {
    /// One alert as it arrived.
    struct Arrival {
        /// Monotonic time of arrival, ns (`DispatchTime.uptimeNanoseconds`).
        var ns: UInt64
        /// The payload frame.
        var payload: [UInt8]
    }

    private let socket: ZMQSocket
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let receivedCount = Atomic<Int>(0)
    private var arrivals: [Arrival] = []

    /// Connects to `endpoint` and subscribes to `topic` (alerts by default; `det.` for what the
    /// zero-work forwarder passes on); messages are not read before ``start()``.
    init(context: ZMQContext, endpoint: String, topic: String = "alert.") throws {
        socket = try ZMQSocket(context: context, type: .sub)
        try socket.setReceiveHighWaterMark(10_000_000)
        try socket.subscribe(topic)
        try socket.connect(endpoint)
        arrivals.reserveCapacity(200_000)
    }

    /// Alerts received so far (any thread).
    var received: Int { receivedCount.load(ordering: .relaxed) }

    /// Starts the receiving thread.
    func start() {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                guard (try? socket.waitForInput(timeoutMs: 20)) == true else { continue }
                while let message = try? socket.receiveMessage(dontWait: true) {
                    let now = DispatchTime.now().uptimeNanoseconds
                    arrivals.append(Arrival(ns: now, payload: message.count > 1 ? message[1] : []))
                    receivedCount.add(1, ordering: .relaxed)
                }
            }
            socket.close()
            finished.signal()
        }
        thread.name = "vigil-bench.consumer"
        thread.start()
    }

    /// Stops the thread and returns what it received, in order of arrival.
    func stop() -> [Arrival] {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        return arrivals
    }
}

/// The fields of an alert payload that the journal benchmark reads, found by scanning the JSON
/// the daemon writes (`AlertEncoder`: no spaces, fixed key order).
struct AlertFields {
    /// `state`, `last_ts` and `emitted_ts`.
    var state: String
    var lastTs: Int64
    var emittedTs: Int64
    /// The payload's text, to look for a camera id in `cameras`.
    var text: String

    /// Reads `payload`; nil when a field is missing.
    init?(_ payload: [UInt8]) {
        text = String(decoding: payload, as: UTF8.self)
        guard let state = Self.string(text, "state"), let lastTs = Self.integer(text, "last_ts"),
            let emittedTs = Self.integer(text, "emitted_ts")
        else { return nil }
        self.state = state
        self.lastTs = lastTs
        self.emittedTs = emittedTs
    }

    /// Whether the alert names `camera` among its cameras.
    func names(camera: String) -> Bool {
        text.contains("\"\(camera)\"")
    }

    private static func string(_ text: String, _ key: String) -> String? {
        guard let start = text.range(of: "\"\(key)\":\"")?.upperBound, let end = text[start...].firstIndex(of: "\"") else { return nil }
        return String(text[start..<end])
    }

    private static func integer(_ text: String, _ key: String) -> Int64? {
        guard let start = text.range(of: "\"\(key)\":")?.upperBound else { return nil }
        return Int64(text[start...].prefix { $0 == "-" || $0.isNumber })
    }
}
