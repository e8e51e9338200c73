import Foundation
import Testing
import VigilCapture

/// ``CaptureReader/init(bytes:name:)`` (the capture fuzz target's entry) reads what the reader of
/// a file reads, and names its errors the same way.
@Suite struct CaptureBytesTests {
    static let text =
        #"{"vigil_capture":1,"started_ms":1795228380000,"bind":["tcp://127.0.0.1:7601"],"connect":[],"topics":["det."]}"# + "\n"
        + #"{"recv_ms":1795228387253,"topic":"det.S07.cam-rabia-03","payload":"{\"v\":1}"}"# + "\n"
        + #"{"recv_ms":1795228387301,"frames":3,"topic":"det.S07.cam-rabia-03","payload_b64":"/9j/"}"#

    @Test func bytesReadAsTheFile() throws {
        let path = CaptureTests.temporaryFile("bytes.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.text.write(toFile: path, atomically: true, encoding: .utf8)
        let (header, messages) = try CaptureTests.readAll(path)

        let reader = try CaptureReader(bytes: Array(Self.text.utf8))
        var fromBytes: [CapturedMessage] = []
        while let message = try reader.next() { fromBytes.append(message) }
        #expect(reader.header == header && header != nil)
        #expect(fromBytes == messages && messages.count == 2)
        #expect(messages[1].frameCount == 3 && messages[1].payload == [0xFF, 0xD8, 0xFF])
    }

    @Test func errorsNameTheBytesAndLine() throws {
        let reader = try CaptureReader(bytes: Array((Self.text + "\nnot json\n").utf8), name: "mem.ndjson")
        do {
            while try reader.next() != nil {}
            Issue.record("a line that is not JSON was read")
        } catch {
            #expect(error.file == "mem.ndjson" && error.line == 4)
        }
        #expect(try CaptureReader(bytes: []).next() == nil)
    }
}
