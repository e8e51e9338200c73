import Foundation
import VigilCore
import VigilPipeline
import ZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// vigild's catch-up endpoint (`catchup.bind`) as a consumer reaches it: a REQ socket, one
/// request (a ``CatchUpRequest``) and one reply (a ``CatchUpPage``), as the README's "durable
/// alert stream" section describes.
///
/// A REQ socket whose request goes unanswered is stuck (a daemon that died with the request
/// in hand never answers it), so after a timeout the socket is closed and a new one asks
/// again: the "lazy pirate" of the ZeroMQ guide. Requests only read, so asking twice is safe.
final class CatchUpClient {
    /// The endpoint asked.
    let endpoint: String
    private let context: ZMQContext
    private let timeoutMs: Int
    private var socket: ZMQSocket?
    /// Whether "no answer" was reported and not yet followed by an answer.
    private var silent = false

    /// A client of `endpoint`; a request not answered within `timeoutMs` is sent again on a new socket.
    init(context: ZMQContext, endpoint: String, timeoutMs: Int = 3_000) {
        self.context = context
        self.endpoint = endpoint
        self.timeoutMs = timeoutMs
    }

    /// Closes the socket.
    func close() {
        socket?.close()
        socket = nil
    }

    /// Asks for up to `limit` alerts after `after` whose topic starts with `prefix` (all when it
    /// is empty), asking again until the daemon answers; nil when `deadlineNs` (monotonic) passes
    /// first. `waiting` is called at least every 200 ms while no reply has come. The first
    /// unanswered request, and the answer that ends the silence, are noted on standard error. An
    /// `error` reply is a ``Failure`` (69), a reply that is not the protocol's one too (76).
    func page(after: UInt64, limit: Int, prefix: String, deadlineNs: UInt64?, waiting: () -> Void = {}) throws(Failure) -> CatchUpPage? {
        let request = CatchUpRequest(after: after, limit: limit, prefix: prefix).frames()
        while true {
            if let deadlineNs, WallClock.monotonicNs() >= deadlineNs { return nil }
            let reply: [[UInt8]]
            do {
                let socket = try openSocket()
                try socket.send(request)
                guard try waitForReply(socket, deadlineNs: deadlineNs, waiting: waiting), let received = try socket.receiveMessage(dontWait: true)
                else {
                    close()
                    if !silent {
                        silent = true
                        note("no answer from the catch-up endpoint \(endpoint) within \(timeoutMs / 1_000) s (is vigild running?); asking again")
                    }
                    continue
                }
                reply = received
            } catch {
                close()
                throw Failure("catch-up endpoint \(endpoint): \(error)", code: 69)  // EX_UNAVAILABLE
            }
            if silent {
                silent = false
                note("the catch-up endpoint \(endpoint) answers again")
            }
            return try Self.decode(reply, endpoint: endpoint)
        }
    }

    private func openSocket() throws(ZMQError) -> ZMQSocket {
        if let socket { return socket }
        let socket = try ZMQSocket(context: context, type: .req)
        do { try socket.connect(endpoint) } catch {
            socket.close()
            throw error
        }
        self.socket = socket
        return socket
    }

    /// Waits for the reply for up to the timeout, and never past `deadlineNs`, calling `waiting`
    /// every 200 ms.
    private func waitForReply(_ socket: ZMQSocket, deadlineNs: UInt64?, waiting: () -> Void) throws(ZMQError) -> Bool {
        let start = WallClock.monotonicNs()
        let giveUpNs = min(start + UInt64(timeoutMs) * 1_000_000, deadlineNs ?? .max)
        while true {
            let now = WallClock.monotonicNs()
            guard now < giveUpNs else { return false }
            if try socket.waitForInput(timeoutMs: min(200, Int((giveUpNs - now) / 1_000_000) + 1)) { return true }
            waiting()
        }
    }

    /// The page a reply carries; a ``Failure`` for an `error` reply or anything else.
    static func decode(_ frames: [[UInt8]], endpoint: String) throws(Failure) -> CatchUpPage {
        if frames.count == 2, frames[0].elementsEqual("error".utf8) {
            let message = RequestRefusal.decodeCatchUp(frames)?.message ?? String(decoding: frames[1], as: UTF8.self)
            throw Failure("the catch-up endpoint \(endpoint) refused: \(message)", code: 69)
        }
        do {
            return try CatchUpPage.decode(frames)
        } catch {
            throw Failure("the catch-up endpoint \(endpoint) sent a reply that is not a catch-up page (\(frames.count) frames)", code: 76)  // EX_PROTOCOL
        }
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data("vigil: \(message)\n".utf8))
    }
}

// MARK: - The position file

/// What `vigil tail --resume STATEFILE` keeps in STATEFILE: the last `seq` it has delivered and,
/// when standard output is a regular file, which file that is and its size right after the
/// lines up to that `seq` were written:
///
/// ```json
/// {"v":1,"last_seq":2041,"stdout":{"dev":2049,"ino":393231,"size":1048211}}
/// ```
///
/// `stdout` is null when standard output is not a regular file (a pipe, a terminal). The file is
/// replaced atomically (written beside it as `STATEFILE.tmp`, then renamed over it), so a kill at
/// any moment leaves either the old position or the new one, never a mix.
struct TailPosition: Equatable {
    /// Standard output as it stood after a write: the file (device and inode) and its size.
    struct OutputMark: Equatable, Codable {
        var device: UInt64
        var inode: UInt64
        var size: Int64

        enum CodingKeys: String, CodingKey {
            case device = "dev", inode = "ino", size
        }
    }

    /// The last `seq` delivered (or, with a topic filter, passed over); 0 for none.
    var lastSeq: UInt64 = 0
    /// Standard output after the lines up to ``lastSeq`` were written, when it is a regular file.
    var output: OutputMark?

    private struct Stored: Codable {
        var v: Int
        var lastSeq: UInt64
        var stdout: OutputMark?

        enum CodingKeys: String, CodingKey {
            case v, lastSeq = "last_seq", stdout
        }
    }

    /// Reads the position in `path`; nil when there is no such file (a first run). A file that
    /// cannot be read is a ``Failure`` with status 66 (EX_NOINPUT), one that is not a position 65
    /// (EX_DATAERR); both name the file.
    static func load(path: String) throws(Failure) -> TailPosition? {
        let data: [UInt8]
        switch POSIXFile.readAll(path) {
        case .success(let bytes): data = bytes
        case .failure(let error) where error.code == ENOENT: return nil
        case .failure(let error): throw Failure("cannot read the state file \(path): \(String(cString: strerror(error.code)))", code: 66)
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(data)), stored.v == 1, (stored.stdout?.size ?? 0) >= 0 else {
            throw Failure(
                "the state file \(path) is not a vigil tail position (expected {\"v\":1,\"last_seq\":N,\"stdout\":...}); "
                    + "remove it to start from the oldest alert vigild holds", code: 65)
        }
        return TailPosition(lastSeq: stored.lastSeq, output: stored.stdout)
    }

    /// Replaces `path` with this position: writes `path.tmp`, then renames it over `path`. A
    /// ``Failure`` with status 73 (EX_CANTCREAT) when that fails.
    func save(path: String) throws(Failure) {
        var text = #"{"v":1,"last_seq":\#(lastSeq),"stdout":"#
        if let output {
            text += #"{"dev":\#(output.device),"ino":\#(output.inode),"size":\#(output.size)}"#
        } else {
            text += "null"
        }
        text += "}\n"
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure("cannot write the state file \(temporary): \(String(cString: strerror(errno)))", code: 73) }
        let written = POSIXFile.writeAll(fd, Array(text.utf8))
        let closed = close(fd)
        if let written { throw Failure("cannot write the state file \(temporary): \(String(cString: strerror(written)))", code: 73) }
        guard closed == 0 else { throw Failure("cannot write the state file \(temporary): \(String(cString: strerror(errno)))", code: 73) }
        guard rename(temporary, path) == 0 else {
            throw Failure("cannot replace the state file \(path): \(String(cString: strerror(errno)))", code: 73)
        }
    }
}

/// Standard output as file descriptor 1: written with write(2), measured with fstat(2).
enum StandardOutputFile {
    /// Which regular file standard output is and its size now; nil when it is not a regular file.
    static func mark() -> TailPosition.OutputMark? {
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return TailPosition.OutputMark(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size))
    }

    /// Writes all of `bytes` to standard output; a ``Failure`` with status 74 (EX_IOERR) when it cannot.
    static func append(_ bytes: [UInt8]) throws(Failure) {
        if let code = POSIXFile.writeAll(STDOUT_FILENO, bytes) {
            throw Failure("cannot write standard output: \(String(cString: strerror(code)))", code: 74)
        }
    }

    /// Cuts standard output back to `size` bytes and moves its offset to the new end.
    static func truncate(to size: Int64) throws(Failure) {
        guard ftruncate(STDOUT_FILENO, off_t(size)) == 0 else {
            throw Failure("cannot truncate standard output to \(size) bytes: \(String(cString: strerror(errno)))", code: 74)
        }
        lseek(STDOUT_FILENO, 0, SEEK_END)
    }
}

/// Whole reads and writes with the POSIX calls, for the state file and standard output.
private enum POSIXFile {
    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR; the errno of a failure, nil on success.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
    }

    /// The whole content of the file at `path`, or the errno that stopped reading it.
    static func readAll(_ path: String) -> Result<[UInt8], Errno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Errno(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}

/// An errno value as an `Error`, for ``POSIXFile/readAll(_:)``.
private struct Errno: Error, Equatable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
}

// MARK: - The consumer

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
/// written to standard output with one write(2) call, and only then is the position saved. A
/// kill between the two leaves lines written but not recorded; when standard output is a
/// regular file the position records its device, inode and size, and the next start cuts the
/// same file back to that size (ftruncate), so those lines are printed once, again. When
/// standard output is a pipe nothing can be taken back: the guarantee is at least once, and
/// only a batch written in the microseconds before the position is saved can come twice (its
/// consumers drop any `seq` at or below the last they have).
struct ResumingTail {
    /// Alerts asked for per catch-up request.
    static let pageSize = 1_000
    /// Messages taken from the SUB socket into one batch at most.
    static let liveBatch = 1_000

    let alertEndpoint: String
    let catchUpEndpoint: String
    let statePath: String
    /// The subscription prefixes (`alert.` for everything).
    let prefixes: [String]
    /// Stop after this many alerts printed.
    let count: Int?
    /// Stop at this monotonic time.
    let deadlineNs: UInt64?
    /// vigild's `publish.heartbeat_s`: hearing nothing for ``silentIntervals`` of it is reported.
    let heartbeatSeconds: Double
    /// Heartbeat intervals of silence that make "no heartbeat" worth saying.
    static let silentIntervals = 5.0

    private var position = TailPosition()
    /// The position as last saved.
    private var lastSaved: TailPosition?
    private var lastHeardNs: UInt64 = 0
    private var silenceReported = false

    /// A consumer with its settings; ``run(_:)`` reads the state file.
    init(
        alertEndpoint: String, catchUpEndpoint: String, statePath: String, prefixes: [String], count: Int?, seconds: Double?,
        heartbeatSeconds: Double
    ) {
        self.alertEndpoint = alertEndpoint
        self.catchUpEndpoint = catchUpEndpoint
        self.statePath = statePath
        self.prefixes = prefixes
        self.count = count
        self.deadlineNs = seconds.map { Self.deadline(afterSeconds: $0, from: WallClock.monotonicNs()) }
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// The monotonic time `seconds` after `nowNs`, saturating: a negative or NaN `seconds` is
    /// now, one too large for the clock (`1e300`, infinity) is never.
    static func deadline(afterSeconds seconds: Double, from nowNs: UInt64) -> UInt64 {
        guard seconds > 0 else { return nowNs }
        let ns = seconds * 1e9
        return ns < 0x1p64 ? nowNs.addingSaturating(UInt64(ns)) : .max
    }

    /// The prefix sent with catch-up requests: the longest common prefix of ``prefixes``, cut
    /// back to whole bytes of UTF-8 (in practice `alert.` or one of the prefixes).
    var catchUpPrefix: String {
        guard var common = prefixes.first.map({ Array($0.utf8) }) else { return "" }
        for prefix in prefixes.dropFirst() {
            let bytes = Array(prefix.utf8)
            let shared = zip(common, bytes).prefix { $0 == $1 }.count
            common.removeLast(common.count - shared)
        }
        while !common.isEmpty, String(validating: common, as: UTF8.self) == nil { common.removeLast() }
        return String(decoding: common, as: UTF8.self)
    }

    /// Follows the stream from the saved position until `--count` or `--seconds`, saving the
    /// position after every batch printed.
    mutating func run(_ printer: inout Tail.Printer) throws(Failure) {
        try restore()
        let context: ZMQContext, subscriber: ZMQSocket
        do {
            context = try ZMQContext()
            subscriber = try ZMQSocket(context: context, type: .sub)
        } catch {
            throw Failure("cannot create the socket: \(error)", code: 69)
        }
        defer { subscriber.close() }
        do {
            for prefix in prefixes + [Heartbeat.topic] { try subscriber.subscribe(prefix) }
            try subscriber.connect(alertEndpoint)
        } catch {
            throw Failure("cannot subscribe to \(alertEndpoint): \(error)", code: 69)
        }
        let client = CatchUpClient(context: context, endpoint: catchUpEndpoint)
        defer { client.close() }
        lastHeardNs = WallClock.monotonicNs()
        var behind = true
        while !isDone(printer) {
            if behind {
                try catchUp(from: client, &printer)
                behind = false
                continue
            }
            let ready: Bool
            do { ready = try subscriber.waitForInput(timeoutMs: pollMs()) } catch {
                throw Failure("receiving from \(alertEndpoint) failed: \(error)", code: 69)
            }
            if ready { behind = try readLive(subscriber, &printer) }
            checkSilence()
        }
    }

    /// Reads the state file, cuts standard output back to where the position says it was, and
    /// saves the position at once (so an unwritable state file fails before anything is printed,
    /// and a first run records where its output starts).
    private mutating func restore() throws(Failure) {
        let current = StandardOutputFile.mark()
        if let saved = try TailPosition.load(path: statePath) {
            position = saved
            if let recorded = saved.output, let current, current.device == recorded.device, current.inode == recorded.inode,
                current.size > recorded.size
            {
                try StandardOutputFile.truncate(to: recorded.size)
                note(
                    "standard output cut back from \(current.size) to \(recorded.size) bytes, the size \(statePath) recorded "
                        + "with seq \(saved.lastSeq): the lines after it were written but not recorded and are printed again")
            }
        }
        position.output = StandardOutputFile.mark()
        try position.save(path: statePath)
        lastSaved = position
    }

    private func isDone(_ printer: Tail.Printer) -> Bool {
        if let count, printer.printed >= count { return true }
        if let deadlineNs, WallClock.monotonicNs() >= deadlineNs { return true }
        return false
    }

    /// How long to wait for the SUB socket: 200 ms, never past the deadline.
    private func pollMs() -> Int {
        guard let deadlineNs else { return 200 }
        let now = WallClock.monotonicNs()
        return now >= deadlineNs ? 0 : min(200, Int((deadlineNs - now) / 1_000_000) + 1)
    }

    /// Catch-up pages after the position until `more` is false (or `--count`, or `--seconds`).
    private mutating func catchUp(from client: CatchUpClient, _ printer: inout Tail.Printer) throws(Failure) {
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
                throw Failure("the catch-up endpoint \(catchUpEndpoint) says there is more after seq \(after) but gives nothing", code: 76)
            }
        }
    }

    /// Takes what the SUB socket holds (up to a batch), prints the alerts that continue the
    /// position and saves it; returns whether a catch-up is needed.
    private mutating func readLive(_ subscriber: ZMQSocket, _ printer: inout Tail.Printer) throws(Failure) -> Bool {
        var behind = false
        var taken = 0
        receiving: while taken < Self.liveBatch, !isDone(printer) {
            let message: [[UInt8]]
            do {
                guard let received = try subscriber.receiveMessage(dontWait: true) else { break }
                message = received
            } catch {
                throw Failure("receiving from \(alertEndpoint) failed: \(error)", code: 69)
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
    private mutating func deliver(_ topic: String, _ payload: [UInt8], seq: UInt64, _ printer: inout Tail.Printer) {
        if prefixes.contains(where: { topic.hasPrefix($0) }) {
            do { try printer.print(payload) } catch { note("alert seq \(seq) on \(topic) skipped: \(error)") }
        }
        position.lastSeq = seq
    }

    /// Writes what the printer holds, then saves the position with standard output's new size.
    private mutating func commit(_ printer: inout Tail.Printer) throws(Failure) {
        let saved = position
        let wrote = try printer.flush()
        if wrote { position.output = StandardOutputFile.mark() }
        guard wrote || saved != lastSaved else { return }
        try position.save(path: statePath)
        lastSaved = position
    }

    /// Notes that the daemon was heard (an alert, a heartbeat, a catch-up reply).
    private mutating func heard() {
        let now = WallClock.monotonicNs()
        if silenceReported {
            silenceReported = false
            note("vigild heard again after \(Int(Double(now - lastHeardNs) / 1e9)) s")
        }
        lastHeardNs = now
    }

    /// Reports, once until something is heard again, that neither alerts nor heartbeats came for
    /// ``silentIntervals`` heartbeat intervals.
    private mutating func checkSilence() {
        let silentNs = WallClock.monotonicNs() - lastHeardNs
        guard !silenceReported, Double(silentNs) > Self.silentIntervals * heartbeatSeconds * 1e9 else { return }
        silenceReported = true
        note("no heartbeat from vigild for \(Int(Double(silentNs) / 1e9)) s (\(alertEndpoint)); the link may be down")
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data("vigil: \(message)\n".utf8))
    }
}
