import VigilWire
import ZeroMQ

/// `vigil tail --resume`: the README's consumer algorithm, with the position kept in a file.
///
/// 1. A SUB socket subscribes to the filters' topic prefixes and to `heartbeat`, then connects.
/// 2. The catch-up endpoint is asked for everything after the saved `seq`, page by page, until
///    `more` is false.
/// 3. The SUB socket is read: an alert at or below the position is dropped; the next `seq`
///    is printed; a jump (`seq` above the next), or a heartbeat whose `latest_seq` differs from
///    the position, means something was missed (or, below it, that the journal was reset): back
///    to 2. With a topic filter, jumps are normal (the alerts in between are other topics) and
///    each costs one catch-up request, which passes over them.
///
/// **Filters.** The catch-up request carries the longest common prefix of the subscription
/// prefixes (`alert.` for --min-severity high, which subscribes to `alert.critical.` and
/// `alert.high.`), and the alerts it returns are filtered locally by the prefixes themselves:
/// one request per page, whatever the number of prefixes, and the position stays one `seq`.
///
/// **Exactly once.** Each batch (a catch-up page, or what the SUB socket holds at one time) is
/// written to the output at once (``TailOutput/flush()``: `vigil tail` makes one write(2) call
/// to standard output), and only then is the position saved. A
/// kill between the two leaves lines written but not recorded; when standard output is a
/// regular file the position records its device, inode and size, and the next start cuts the
/// same file back to that size (ftruncate), so those lines are printed once, again. When
/// standard output is a pipe nothing can be taken back: the guarantee is at least once, and
/// only a batch written in the microseconds before the position is saved can come twice (its
/// consumers drop any `seq` at or below the last they have).
public struct ResumingTail<Output: TailOutput> {
    /// Alerts asked for per catch-up request.
    public static var pageSize: Int { 1_000 }
    /// Messages taken from the SUB socket into one batch at most.
    public static var liveBatch: Int { 1_000 }

    /// vigild's alert endpoint (`publish.bind`), subscribed to.
    public let alertEndpoint: String
    /// vigild's catch-up endpoint (`catchup.bind`).
    public let catchUpEndpoint: String
    /// The state file: the position, replaced after every batch (``TailPosition``).
    public let statePath: String
    /// The subscription prefixes (`alert.` for everything).
    public let prefixes: [String]
    /// Stop after this many alerts taken by the output.
    public let count: Int?
    /// Stop at this monotonic time.
    public let deadlineNs: UInt64?
    /// vigild's `publish.heartbeat_s`: hearing nothing for ``silentIntervals`` of it is reported.
    public let heartbeatSeconds: Double
    /// How both sockets reach vigild: plaintext, or as a CURVE client with a consumer's key.
    public let security: SocketPlan.Security
    /// Heartbeat intervals of silence that make "no heartbeat" worth saying.
    public static var silentIntervals: Double { 5.0 }

    private var position = TailPosition()
    /// The position as last saved.
    private var lastSaved: TailPosition?
    private var lastHeardNs: UInt64 = 0
    private var silenceReported = false
    private let note: (String) -> Void

    /// A consumer with its settings; ``run(_:)`` reads the state file. `note` receives what the
    /// consumer has to say on the way, one line at a time: output cut back, journal reset,
    /// alerts removed by retention, silence and its end (`vigil tail` writes them to standard
    /// error).
    public init(
        alertEndpoint: String, catchUpEndpoint: String, statePath: String, prefixes: [String], count: Int?, seconds: Double?,
        heartbeatSeconds: Double, security: SocketPlan.Security = .none, note: @escaping (String) -> Void = { _ in }
    ) {
        self.security = security
        self.note = note
        self.alertEndpoint = alertEndpoint
        self.catchUpEndpoint = catchUpEndpoint
        self.statePath = statePath
        self.prefixes = prefixes
        self.count = count
        self.deadlineNs = seconds.map { MonotonicClock.deadline(afterSeconds: $0, from: MonotonicClock.nowNs()) }
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// The prefix sent with catch-up requests: the longest common prefix of ``prefixes``, cut
    /// back to whole bytes of UTF-8 (in practice `alert.` or one of the prefixes).
    public var catchUpPrefix: String {
        guard var common = prefixes.first.map({ Array($0.utf8) }) else { return "" }
        for prefix in prefixes.dropFirst() {
            let bytes = Array(prefix.utf8)
            let shared = zip(common, bytes).prefix { $0 == $1 }.count
            common.removeLast(common.count - shared)
        }
        while !common.isEmpty, String(validating: common, as: UTF8.self) == nil { common.removeLast() }
        return String(decoding: common, as: UTF8.self)
    }

    /// Follows the stream from the saved position into `printer` until ``count`` alerts or the
    /// deadline, saving the position after every batch flushed; with neither, until an error
    /// (a ``VigilClientError``).
    public mutating func run(_ printer: inout Output) throws(VigilClientError) {
        try restore(printer)
        let context: ZMQContext, subscriber: ZMQSocket
        do {
            context = try ZMQContext()
        } catch {
            throw VigilClientError("cannot create the socket: \(error)", code: .unavailable)
        }
        var plan = SocketPlan(.sub)
        plan.security = security
        plan.subscribe = prefixes + [Heartbeat.topic]
        plan.connect = [alertEndpoint]
        do { subscriber = try context.open(plan) } catch {
            throw VigilClientError("cannot subscribe to \(alertEndpoint): \(error)", code: .unavailable)
        }
        defer { subscriber.close() }
        let client = CatchUpClient(context: context, endpoint: catchUpEndpoint, security: security, note: note)
        defer { client.close() }
        lastHeardNs = MonotonicClock.nowNs()
        var behind = true
        while !isDone(printer) {
            if behind {
                try catchUp(from: client, &printer)
                behind = false
                continue
            }
            let ready: Bool
            do { ready = try subscriber.waitForInput(timeoutMs: pollMs()) } catch {
                throw VigilClientError("receiving from \(alertEndpoint) failed: \(error)", code: .unavailable)
            }
            if ready { behind = try readLive(subscriber, &printer) }
            checkSilence()
        }
    }

    /// Reads the state file, cuts standard output back to where the position says it was, and
    /// saves the position at once (so an unwritable state file fails before anything is printed,
    /// and a first run records where its output starts).
    private mutating func restore(_ printer: Output) throws(VigilClientError) {
        let current = printer.mark()
        if let saved = try TailPosition.load(path: statePath) {
            position = saved
            if let recorded = saved.output, let current, current.device == recorded.device, current.inode == recorded.inode,
                current.size > recorded.size
            {
                try printer.truncate(to: recorded.size)
                note(
                    "standard output cut back from \(current.size) to \(recorded.size) bytes, the size \(statePath) recorded "
                        + "with seq \(saved.lastSeq): the lines after it were written but not recorded and are printed again")
            }
        }
        position.output = printer.mark()
        try position.save(path: statePath)
        lastSaved = position
    }

    private func isDone(_ printer: Output) -> Bool {
        if let count, printer.taken >= count { return true }
        if let deadlineNs, MonotonicClock.nowNs() >= deadlineNs { return true }
        return false
    }

    /// How long to wait for the SUB socket: 200 ms, never past the deadline.
    private func pollMs() -> Int {
        guard let deadlineNs else { return 200 }
        let now = MonotonicClock.nowNs()
        return now >= deadlineNs ? 0 : min(200, Int((deadlineNs - now) / 1_000_000) + 1)
    }

    /// Catch-up pages after the position until `more` is false (or `--count`, or `--seconds`).
    private mutating func catchUp(from client: CatchUpClient, _ printer: inout Output) throws(VigilClientError) {
        while !isDone(printer) {
            guard
                let page = try client.page(
                    after: position.lastSeq, limit: Self.pageSize, prefix: catchUpPrefix, deadlineNs: deadlineNs, waiting: { checkSilence() })
            else { return }
            heard()
            let after = position.lastSeq
            if page.latestSeq < after {
                note(
                    "vigild's journal ends at seq \(page.latestSeq), before seq \(after) saved in \(statePath): the journal was "
                        + "reset (a new state directory?); starting again from its oldest alert")
                position.lastSeq = 0
                try commit(&printer)
                continue
            }
            // `oldestSeq - 1 > after`, not `oldestSeq > after + 1`: `after` may be UInt64.max
            // (a daemon's reply or the state file can say so), and nothing lies after it.
            if page.oldestSeq > 0, page.oldestSeq - 1 > after {
                note("alerts \(after + 1) to \(page.oldestSeq - 1) were removed from vigild's journal by retention and cannot be printed")
            } else if page.oldestSeq == 0, page.latestSeq > after {
                // The journal holds nothing: everything up to latest_seq is gone. (vigild then answers
                // last_seq = after with more = true; asking again would get the same answer forever.)
                note("alerts \(after + 1) to \(page.latestSeq) were removed from vigild's journal by retention and cannot be printed")
                position.lastSeq = page.latestSeq
                try commit(&printer)
                return
            }
            for alert in page.alerts {
                guard let seq = AlertMessage.seq(of: alert.payload) else {
                    note("an alert without a seq on \(alert.topic) in a catch-up page skipped")
                    continue
                }
                guard seq > position.lastSeq else { continue }
                deliver(alert.topic, alert.payload, seq: seq, &printer)
                if isDone(printer) { break }
            }
            if !isDone(printer) { position.lastSeq = max(position.lastSeq, page.lastSeq) }
            try commit(&printer)
            if !page.more { return }
            guard page.lastSeq > after else {
                throw VigilClientError(
                    "the catch-up endpoint \(catchUpEndpoint) says there is more after seq \(after) but gives nothing", code: .badReply)
            }
        }
    }

    /// Takes what the SUB socket holds (up to a batch), prints the alerts that continue the
    /// position and saves it; returns whether a catch-up is needed.
    private mutating func readLive(_ subscriber: ZMQSocket, _ printer: inout Output) throws(VigilClientError) -> Bool {
        var behind = false
        var taken = 0
        receiving: while taken < Self.liveBatch, !isDone(printer) {
            let message: [[UInt8]]
            do {
                guard let received = try subscriber.receiveMessage(dontWait: true) else { break }
                message = received
            } catch {
                throw VigilClientError("receiving from \(alertEndpoint) failed: \(error)", code: .unavailable)
            }
            taken += 1
            heard()
            guard message.count == 2 else { continue }
            let topic = String(decoding: message[0], as: UTF8.self)
            if topic == Heartbeat.topic {
                guard let beat = try? Heartbeat.decode(message[1]) else { continue }
                if beat.latestSeq != position.lastSeq {
                    behind = true
                    break receiving
                }
                continue
            }
            guard let seq = AlertMessage.seq(of: message[1]) else {
                note("an alert without a seq on \(topic) skipped")
                continue
            }
            if seq <= position.lastSeq { continue }
            if seq - position.lastSeq > 1 {  // seq > lastSeq here; lastSeq + 1 overflows at UInt64.max
                behind = true
                break receiving
            }
            deliver(topic, message[1], seq: seq, &printer)
        }
        try commit(&printer)
        return behind
    }

    /// Prints an alert if its topic passes the filters, and moves the position to its `seq`.
    private mutating func deliver(_ topic: String, _ payload: [UInt8], seq: UInt64, _ printer: inout Output) {
        if prefixes.contains(where: { topic.hasPrefix($0) }) {
            do { try printer.take(payload) } catch { note("alert seq \(seq) on \(topic) skipped: \(error)") }
        }
        position.lastSeq = seq
    }

    /// Writes what the printer holds, then saves the position with standard output's new size.
    private mutating func commit(_ printer: inout Output) throws(VigilClientError) {
        let saved = position
        let wrote = try printer.flush()
        if wrote { position.output = printer.mark() }
        guard wrote || saved != lastSaved else { return }
        try position.save(path: statePath)
        lastSaved = position
    }

    /// Notes that the daemon was heard (an alert, a heartbeat, a catch-up reply).
    private mutating func heard() {
        let now = MonotonicClock.nowNs()
        if silenceReported {
            silenceReported = false
            note("vigild heard again after \(Int(Double(now - lastHeardNs) / 1e9)) s")
        }
        lastHeardNs = now
    }

    /// Reports, once until something is heard again, that neither alerts nor heartbeats came for
    /// ``silentIntervals`` heartbeat intervals.
    private mutating func checkSilence() {
        let silentNs = MonotonicClock.nowNs() - lastHeardNs
        guard !silenceReported, Double(silentNs) > Self.silentIntervals * heartbeatSeconds * 1e9 else { return }
        silenceReported = true
        note("no heartbeat from vigild for \(Int(Double(silentNs) / 1e9)) s (\(alertEndpoint)); the link may be down")
    }
}
