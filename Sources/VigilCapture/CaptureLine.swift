import Foundation
import VigilWire

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
}
