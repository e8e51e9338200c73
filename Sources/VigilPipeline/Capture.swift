import Foundation
import VigilCore
import ZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A capture is what a detection socket received, one message a line, so that `vigil replay` can
// run it through the engine again (`vigil record` writes it). Lines are JSON objects (NDJSON):
//
//     {"vigil_capture":1,"started_ms":1795228380000,"bind":["tcp://127.0.0.1:7601"],"connect":[],"topics":["det."]}
//     {"recv_ms":1795228387253,"topic":"det.S07.cam-rabia-03","payload":"{\"v\":1,\"camera\":\"cam-rabia-03\",...}"}
//     {"recv_ms":1795228387253,"topic":"det.S07.cam-rabia-03","payload_b64":"/9j/4AAQ..."}
//     {"recv_ms":1795228387301,"frames":3,"topic":"det.S07.cam-rabia-03","payload":"..."}
//
// - The header (first line, optional) says where and since when the capture was made.
// - `recv_ms`: wall-clock time of receipt, Unix epoch milliseconds (one reading per batch
//   received, as the daemon's ingest stamps its batches).
// - `topic` and `payload`: the message's two frames, byte for byte, as JSON strings. A frame that
//   is not valid UTF-8 is written base64 (RFC 4648) under `topic_b64` or `payload_b64` instead,
//   so invalid and hostile payloads replay exactly too.
// - A message of other than two frames is recorded, not skipped: `frames` gives its number of
//   frames, with its first frame as the topic and its second (if any) as the payload; frames past
//   the second are not kept. The daemon rejects such a message for its frame count alone
//   (`wrong_frame_count`), and so does a replay. `frames` is absent for the usual two.
// - Readers ignore keys they do not know.

/// The first line of a capture: where and since when it was recorded.
public struct CaptureHeader: Sendable, Equatable {
    /// The format's version, written as `vigil_capture`.
    public static let version = 1
    /// Wall-clock time at which recording started, epoch ms.
    public var startedMs: Int64
    /// Endpoints the recording socket bound (with the port chosen for `*`).
    public var bind: [String]
    /// Endpoints it connected to.
    public var connect: [String]
    /// The topic prefixes it subscribed to.
    public var topics: [String]

    /// Creates a header.
    public init(startedMs: Int64, bind: [String] = [], connect: [String] = [], topics: [String] = ["det."]) {
        self.startedMs = startedMs
        self.bind = bind
        self.connect = connect
        self.topics = topics
    }
}

/// One message as a detection socket received it.
public struct CapturedMessage: Sendable, Equatable {
    /// Wall-clock time of receipt, epoch ms.
    public var receivedMs: Int64
    /// The message's number of frames: 2 for a well-formed message.
    public var frameCount: Int
    /// The first frame (the topic), byte for byte.
    public var topic: [UInt8]
    /// The second frame (the payload), byte for byte; empty when the message had one frame.
    public var payload: [UInt8]

    /// A message of two frames, topic and payload.
    public init(receivedMs: Int64, topic: [UInt8], payload: [UInt8]) {
        self.init(receivedMs: receivedMs, frameCount: 2, topic: topic, payload: payload)
    }

    /// A message of `frameCount` frames (at least 1) of which the first two are kept.
    public init(receivedMs: Int64, frameCount: Int, topic: [UInt8], payload: [UInt8]) {
        precondition(frameCount >= 1, "a message has at least one frame")
        self.receivedMs = receivedMs
        self.frameCount = frameCount
        self.topic = topic
        self.payload = frameCount >= 2 ? payload : []
    }
}

/// A capture that cannot be opened, read, parsed or written. Names the file and, for a bad
/// line, its number.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (`<stdin>`, `<stdout>` for `-`).
    public var file: String
    /// The line at fault, from 1; `nil` when the error concerns the whole file.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message`.
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

// MARK: - Writer

/// Writes a capture: one line per message, buffered, to a file or standard output.
///
/// The buffer holds whole lines only and is written out when it reaches 256 KiB, when
/// ``flushIfDue()`` finds it older than a second, and on ``flush()`` and ``close()``; so a
/// capture stopped in order never ends with half a line.
///
/// Not thread-safe: owned by one thread.
public final class CaptureWriter {
    /// The file written, as given (`-` is standard output).
    public let path: String
    /// Messages written (or buffered).
    public private(set) var messages: UInt64 = 0
    /// Bytes written to the file so far (flushed).
    public private(set) var bytesWritten: UInt64 = 0
    /// The oldest unflushed line is flushed by ``flushIfDue()`` after this long.
    public static let flushIntervalNs: UInt64 = 1_000_000_000

    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var bufferedSinceNs: UInt64?
    private static let flushBytes = 256 << 10

    /// Creates (or truncates) the file at `path`, or takes standard output for `-`, and writes
    /// `header` as the first line if given.
    public init(path: String, header: CaptureHeader?) throws(CaptureError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw CaptureError(file: path, "cannot create: \(String(cString: strerror(errno)))") }
            ownsDescriptor = true
        }
        buffer.reserveCapacity(Self.flushBytes + 4_096)
        if let header {
            CaptureLine.appendHeader(header, to: &buffer)
            bufferedSinceNs = WallClock.monotonicNs()
            try flush()
        }
    }

    deinit {
        try? close()
    }

    private var displayName: String { path == "-" ? "<stdout>" : path }

    /// Appends `message`.
    public func append(_ message: CapturedMessage) throws(CaptureError) {
        try checkOpen()
        message.topic.withUnsafeBytes { topic in
            message.payload.withUnsafeBytes { payload in
                CaptureLine.appendMessage(
                    receivedMs: message.receivedMs, frameCount: message.frameCount, topic: topic,
                    payload: message.frameCount >= 2 ? payload : nil, to: &buffer)
            }
        }
        try appended()
    }

    /// Appends message `index` of `batch`, received at `receivedMs`, from the batch's bytes.
    /// The batch must store whole frames (its `maxStoredFrameBytes` at least the socket's
    /// largest message): what it did not store cannot be recorded.
    public func append(_ batch: MessageBatch, message index: Int, receivedMs: Int64) throws(CaptureError) {
        try checkOpen()
        let frames = batch.frames(ofMessage: index)
        guard let first = frames.first else { return }
        batch.withBytes(of: first) { topic in
            if frames.count >= 2 {
                batch.withBytes(of: frames[frames.startIndex + 1]) { payload in
                    CaptureLine.appendMessage(receivedMs: receivedMs, frameCount: frames.count, topic: topic, payload: payload, to: &buffer)
                }
            } else {
                CaptureLine.appendMessage(receivedMs: receivedMs, frameCount: frames.count, topic: topic, payload: nil, to: &buffer)
            }
        }
        try appended()
    }

    private func checkOpen() throws(CaptureError) {
        guard descriptor >= 0 else { throw CaptureError(file: displayName, "written after close") }
    }

    private func appended() throws(CaptureError) {
        messages += 1
        if bufferedSinceNs == nil { bufferedSinceNs = WallClock.monotonicNs() }
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Flushes when the oldest buffered line has waited ``flushIntervalNs``. Call it when idle too.
    public func flushIfDue() throws(CaptureError) {
        guard let since = bufferedSinceNs, WallClock.monotonicNs() - since >= Self.flushIntervalNs else { return }
        try flush()
    }

    /// Writes out everything buffered.
    public func flush() throws(CaptureError) {
        bufferedSinceNs = nil
        guard !buffer.isEmpty else { return }
        try checkOpen()
        let result: Int32 = buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += written
            }
            return 0
        }
        guard result == 0 else { throw CaptureError(file: displayName, "cannot write: \(String(cString: strerror(result)))") }
        bytesWritten += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, then closes the file (standard output stays open). Idempotent.
    public func close() throws(CaptureError) {
        guard descriptor >= 0 else { return }
        defer {
            if ownsDescriptor { closeDescriptor(descriptor) }
            descriptor = -1
        }
        try flush()
    }
}

// MARK: - Reader

/// Reads a capture line by line, streaming: memory holds one read block and the current line,
/// whatever the size of the file.
///
/// Not thread-safe: owned by one thread.
public final class CaptureReader {
    /// The file read, as given (`-` is standard input).
    public let path: String
    /// The header, when the capture has one.
    public private(set) var header: CaptureHeader?
    /// The number of the last line read, from 1.
    public private(set) var lineNumber = 0
    /// The longest line accepted (a payload of 4 MiB escaped to the full is 24 MiB).
    public static let maxLineBytes = 64 << 20

    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    /// The unread part of ``buffer`` starts here.
    private var start = 0
    private var endOfFile = false
    /// The first message, read while looking for the header.
    private var pending: CapturedMessage?
    private static let readBytes = 256 << 10

    /// Opens the capture at `path` (`-`: standard input) and reads its header, if any.
    public init(path: String) throws(CaptureError) {
        self.path = path
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw CaptureError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
            ownsDescriptor = true
        }
        buffer.reserveCapacity(Self.readBytes * 2)
        guard let first = try nextLine() else { return }
        try first.withUnsafeBufferPointer { line throws(CaptureError) in
            switch try parse(line, first: true) {
            case .header(let header): self.header = header
            case .message(let message): pending = message
            }
        }
    }

    deinit { close() }

    /// Closes the file (standard input stays open). Idempotent.
    public func close() {
        if ownsDescriptor && descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }

    private var displayName: String { path == "-" ? "<stdin>" : path }

    /// The next message, or `nil` at the end of the capture. A line that is not a message is an
    /// error naming the file and the line.
    public func next() throws(CaptureError) -> CapturedMessage? {
        if let message = pending {
            pending = nil
            return message
        }
        guard let line = try nextLine() else { return nil }
        return try line.withUnsafeBufferPointer { line throws(CaptureError) in
            switch try parse(line, first: false) {
            case .message(let message): return message
            case .header: throw CaptureError(file: displayName, line: lineNumber, "a capture header is allowed on the first line only")
            }
        }
    }

    private enum Line {
        case header(CaptureHeader)
        case message(CapturedMessage)
    }

    private func parse(_ line: UnsafeBufferPointer<UInt8>, first: Bool) throws(CaptureError) -> Line {
        do {
            let fields = try CaptureLine.parseObject(line)
            if fields.contains(where: { $0.key == "vigil_capture" }) {
                return .header(try CaptureLine.header(from: fields))
            }
            return .message(try CaptureLine.message(from: fields))
        } catch {
            throw CaptureError(file: displayName, line: lineNumber, error.message)
        }
    }

    /// The next line without its newline, or `nil` at the end of the file. A last line without
    /// a newline counts as a line.
    private func nextLine() throws(CaptureError) -> ArraySlice<UInt8>? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return line
            }
            if endOfFile {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return line
            }
            if buffer.count - start > Self.maxLineBytes {
                throw CaptureError(file: displayName, line: lineNumber + 1, "line longer than \(Self.maxLineBytes) bytes")
            }
            // Keep the partial line, read more after it.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            searchFrom = buffer.count
            try fill()
        }
    }

    private func fill() throws(CaptureError) {
        guard descriptor >= 0 else { throw CaptureError(file: displayName, "read after close") }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.readBytes))
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, Self.readBytes) }
        } while count < 0 && errno == EINTR
        if count < 0 {
            let code = errno
            buffer.removeSubrange(old...)
            throw CaptureError(file: displayName, "cannot read: \(String(cString: strerror(code)))")
        }
        buffer.removeSubrange((old + count)...)
        if count == 0 { endOfFile = true }
    }
}

/// Closes a file descriptor this module opened.
private func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}

// MARK: - Lines

/// The JSON of capture lines, written and read by hand: the lines are flat objects of integers,
/// strings and arrays of strings, and the reader must give back every payload byte for byte.
/// By hand for speed: Foundation's JSONDecoder takes about 19 µs for a 307-byte frame report
/// (`vigil-bench parse`), which would hold replay near 50,000 lines a second; with this reader a
/// 55,911-line capture replays in 0.24-0.28 s, configuration load included.
enum CaptureLine {
    /// A value in a capture line; values of keys the reader does not know are skipped.
    enum Value {
        case integer(Int64)
        case string([UInt8])
        case array([Value])
        case other
    }

    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    // MARK: Writing

    static func appendHeader(_ header: CaptureHeader, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"vigil_capture":"#.utf8)
        out.append(contentsOf: String(CaptureHeader.version).utf8)
        out.append(contentsOf: #","started_ms":"#.utf8)
        out.append(contentsOf: String(header.startedMs).utf8)
        for (key, values) in [("bind", header.bind), ("connect", header.connect), ("topics", header.topics)] {
            out.append(contentsOf: ",\"\(key)\":[".utf8)
            for (i, value) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "}\n".utf8)
    }

    static func appendMessage(
        receivedMs: Int64, frameCount: Int, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer?, to out: inout [UInt8]
    ) {
        out.append(contentsOf: #"{"recv_ms":"#.utf8)
        out.append(contentsOf: String(receivedMs).utf8)
        if frameCount != 2 {
            out.append(contentsOf: #","frames":"#.utf8)
            out.append(contentsOf: String(frameCount).utf8)
        }
        appendField("topic", topic, to: &out)
        if let payload { appendField("payload", payload, to: &out) }
        out.append(contentsOf: "}\n".utf8)
    }

    /// `,"name":"text"` when `bytes` is UTF-8, else `,"name_b64":"base64"`.
    private static func appendField(_ name: String, _ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"\(name)".utf8)
        if String(validating: bytes, as: UTF8.self) != nil {
            out.append(contentsOf: "\":".utf8)
            JSONString.append(bytes, to: &out)
        } else {
            out.append(contentsOf: "_b64\":\"".utf8)
            out.append(contentsOf: Data(bytes).base64EncodedString().utf8)
            out.append(UInt8(ascii: "\""))
        }
    }

    // MARK: Reading

    /// The fields of a line holding one JSON object, in order; a key given twice is an error.
    static func parseObject(_ line: UnsafeBufferPointer<UInt8>) throws(Problem) -> [(key: String, value: Value)] {
        var scanner = Scanner(bytes: line)
        var fields: [(key: String, value: Value)] = []
        scanner.skipSpace()
        guard !scanner.atEnd else { throw Problem("empty line") }
        try scanner.expect(UInt8(ascii: "{"), "a JSON object")
        scanner.skipSpace()
        if !scanner.take(UInt8(ascii: "}")) {
            repeat {
                scanner.skipSpace()
                let key = String(decoding: try scanner.string(), as: UTF8.self)
                guard !fields.contains(where: { $0.key == key }) else { throw Problem("key \"\(key)\" given twice") }
                scanner.skipSpace()
                try scanner.expect(UInt8(ascii: ":"), "':' after \"\(key)\"")
                scanner.skipSpace()
                fields.append((key, try scanner.value()))
                scanner.skipSpace()
            } while scanner.take(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
        }
        scanner.skipSpace()
        guard scanner.atEnd else { throw Problem("text after the object at column \(scanner.index + 1)") }
        return fields
    }

    static func header(from fields: [(key: String, value: Value)]) throws(Problem) -> CaptureHeader {
        let values = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        guard case .integer(let version) = values["vigil_capture"] else { throw Problem("\"vigil_capture\" must be a whole number") }
        guard version == Int64(CaptureHeader.version) else {
            throw Problem("capture format version \(version) is not supported (this vigil reads version \(CaptureHeader.version))")
        }
        guard case .integer(let started) = values["started_ms"] else { throw Problem("the header needs \"started_ms\", a whole number") }
        func strings(_ key: String) throws(Problem) -> [String] {
            guard let value = values[key] else { return [] }
            guard case .array(let items) = value else { throw Problem("\"\(key)\" must be an array of strings") }
            var result: [String] = []
            for item in items {
                guard case .string(let bytes) = item else { throw Problem("\"\(key)\" must be an array of strings") }
                result.append(String(decoding: bytes, as: UTF8.self))
            }
            return result
        }
        return CaptureHeader(startedMs: started, bind: try strings("bind"), connect: try strings("connect"), topics: try strings("topics"))
    }

    static func message(from fields: [(key: String, value: Value)]) throws(Problem) -> CapturedMessage {
        var receivedMs: Int64?, frameCount = 2
        var topic: [UInt8]?, payload: [UInt8]?
        for (key, value) in fields {
            switch key {
            case "recv_ms":
                guard case .integer(let ms) = value else { throw Problem("\"recv_ms\" must be a whole number") }
                receivedMs = ms
            case "frames":
                guard case .integer(let count) = value, count >= 1, count <= Int64(Int32.max) else {
                    throw Problem("\"frames\" must be a whole number from 1")
                }
                frameCount = Int(count)
            case "topic", "topic_b64":
                guard topic == nil else { throw Problem("\"topic\" and \"topic_b64\" both given") }
                topic = try bytes(key, value)
            case "payload", "payload_b64":
                guard payload == nil else { throw Problem("\"payload\" and \"payload_b64\" both given") }
                payload = try bytes(key, value)
            default:
                continue
            }
        }
        guard let receivedMs else { throw Problem("missing \"recv_ms\"") }
        guard let topic else { throw Problem("missing \"topic\" (or \"topic_b64\")") }
        if frameCount >= 2 && payload == nil { throw Problem("missing \"payload\" (or \"payload_b64\")") }
        if frameCount == 1 && payload != nil { throw Problem("a message of 1 frame has no payload") }
        return CapturedMessage(receivedMs: receivedMs, frameCount: frameCount, topic: topic, payload: payload ?? [])
    }

    /// The bytes of a `name` (JSON string) or `name_b64` (base64) field.
    private static func bytes(_ key: String, _ value: Value) throws(Problem) -> [UInt8] {
        guard case .string(let text) = value else { throw Problem("\"\(key)\" must be a string") }
        guard key.hasSuffix("_b64") else { return text }
        guard let data = Data(base64Encoded: Data(text)) else { throw Problem("\"\(key)\" is not valid base64") }
        return Array(data)
    }

    /// Reads JSON tokens from one line.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(Problem) {
            guard take(byte) else { throw unexpected(what) }
        }

        func unexpected(_ what: String) -> Problem {
            guard index < bytes.count else { return Problem("expected \(what), found the end of the line") }
            let byte = bytes[index]
            let shown = (0x20..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            return Problem("expected \(what) at column \(index + 1), found \(shown)")
        }

        mutating func value() throws(Problem) -> Value {
            guard index < bytes.count else { throw unexpected("a value") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                var items: [Value] = []
                skipSpace()
                if take(UInt8(ascii: "]")) { return .array(items) }
                repeat {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                } while take(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return .array(items)
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if take(UInt8(ascii: "}")) { return .other }
                repeat {
                    skipSpace()
                    _ = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "':'")
                    skipSpace()
                    _ = try value()
                    skipSpace()
                } while take(UInt8(ascii: ","))
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return .other
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try number()
            default:
                for literal in ["true", "false", "null"] where matches(literal) {
                    index += literal.utf8.count
                    return .other
                }
                throw unexpected("a value")
            }
        }

        private func matches(_ literal: String) -> Bool {
            let utf8 = literal.utf8
            guard bytes.count - index >= utf8.count else { return false }
            return zip(utf8, bytes[index...]).allSatisfy { $0 == $1 }
        }

        /// A number: `.integer` when it is a whole number that fits 64 bits, else `.other`.
        private mutating func number() throws(Problem) -> Value {
            let begin = index
            let negative = take(UInt8(ascii: "-"))
            var value: Int64 = 0, fits = true, digits = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
                if o1 || o2 { fits = false } else { value = sum }
                index += 1
                digits += 1
            }
            guard digits > 0 else {
                index = begin
                throw unexpected("a number")
            }
            var whole = true
            if take(UInt8(ascii: ".")) {
                whole = false
                try skipDigits()
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                whole = false
                _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-"))
                try skipDigits()
            }
            return whole && fits ? .integer(value) : .other
        }

        private mutating func skipDigits() throws(Problem) {
            let begin = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > begin else { throw unexpected("a digit") }
        }

        /// A JSON string's bytes, escapes decoded; other bytes are taken as they are.
        mutating func string() throws(Problem) -> [UInt8] {
            try expect(UInt8(ascii: "\""), "a string")
            var out: [UInt8] = []
            var runStart = index
            while true {
                guard index < bytes.count else { throw Problem("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    out.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    return out
                }
                if byte < 0x20 { throw Problem("control character 0x\(String(byte, radix: 16)) in a string at column \(index + 1)") }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                out.append(contentsOf: bytes[runStart..<index])
                index += 1
                guard index < bytes.count else { throw Problem("unterminated string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) else { throw Problem("lone surrogate \\u\(String(scalar, radix: 16)) in a string") }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Problem("lone surrogate \\u\(String(scalar, radix: 16)) in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Problem("lone surrogate \\u\(String(scalar, radix: 16)) in a string") }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    index -= 1
                    throw unexpected("an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\u)")
                }
                runStart = index
            }
        }

        private mutating func hex4() throws(Problem) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count, let digit = Self.hexValue(bytes[index]) else { throw unexpected("4 hexadecimal digits after \\u") }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        private static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
    }
}
