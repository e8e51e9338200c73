import ArgumentParser
import Foundation
import VigilCapture
import VigilClient
import ZeroMQ

/// `vigil record`: writes the detection messages a SUB socket receives to a capture file, for
/// `vigil replay`.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record detection messages into a capture file (NDJSON), to replay them with `vigil replay`.",
        discussion: """
            Subscribes a SUB socket to the --topic prefixes (default det.), binds and/or connects it, and writes \
            one line per message received: {"recv_ms":...,"topic":"...","payload":"..."}, the payload byte for byte \
            as a JSON string (payload_b64 when it is not UTF-8), after a header line {"vigil_capture":1,...}. A \
            message of other than two frames is recorded too, with "frames":N and its first two frames; the \
            daemon and `vigil replay` reject it as wrong_frame_count. recv_ms is the wall clock at receipt, epoch ms.

            Gateways publish to the daemon; to record what they send, bind an endpoint they also connect to, or \
            connect to gateways that bind. Stops after --seconds, after --count messages, or on SIGINT or \
            SIGTERM; the file then ends with a whole line. The summary goes to standard error.
            """)

    @Option(help: ArgumentHelp("Connect to this gateway endpoint (repeatable).", valueName: "endpoint"))
    var connect: [String] = []

    @Option(help: ArgumentHelp("Bind this endpoint for gateways to connect to (repeatable).", valueName: "endpoint"))
    var bind: [String] = []

    @Option(help: ArgumentHelp("Subscribe to topics starting with this (repeatable; default det.).", valueName: "prefix"))
    var topic: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The capture file to write; - for standard output.", valueName: "file"))
    var out: String

    @Option(help: "Stop after this many seconds.")
    var seconds: Double?

    @Option(help: "Stop after this many messages.")
    var count: Int?

    @Option(help: ArgumentHelp("Largest frame accepted; a peer sending more is disconnected (ZMQ_MAXMSGSIZE).", valueName: "bytes"))
    var maxMessageBytes = 4 << 20

    /// Messages received at a time, stamped with one receive time (as the daemon's ingest does).
    static let batchSize = 512

    func validate() throws {
        guard !connect.isEmpty || !bind.isEmpty else { throw ValidationError("give at least one --connect or --bind endpoint") }
        if let seconds, !(seconds > 0 && seconds.isFinite) { throw ValidationError("--seconds must be positive") }
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
    }

    private var topics: [String] { topic.isEmpty ? ["det."] : topic }

    func run() throws {
        stopOnSignals()
        let context: ZMQContext, socket: ZMQSocket
        var bound: [String] = []
        do {
            context = try ZMQContext()
            socket = try ZMQSocket(context: context, type: .sub)
        } catch {
            fail("cannot create the socket: \(error)", status: 69)
        }
        defer { socket.close() }
        do {
            try socket.setReceiveHighWaterMark(100_000)
            try socket.setMaxMessageSize(Int64(maxMessageBytes))
            for prefix in topics { try socket.subscribe(prefix) }
        } catch {
            fail("cannot configure the socket: \(error)", status: 69)
        }
        for endpoint in bind {
            do { bound.append(try socket.bind(endpoint)) } catch { fail("cannot bind \(endpoint): \(error)", status: 69) }
        }
        for endpoint in connect {
            do { try socket.connect(endpoint) } catch { fail("cannot connect to \(endpoint): \(error)", status: 69) }
        }
        let startedMs = Self.epochMs(), startedNs = MonotonicClock.nowNs()
        let writer: CaptureWriter
        do {
            writer = try CaptureWriter(path: out, header: CaptureHeader(startedMs: startedMs, bind: bound, connect: connect, topics: topics))
        } catch {
            fail("\(error)", status: 73)  // EX_CANTCREAT
        }
        let sources = (bound.map { "bound to \($0)" } + connect.map { "connected to \($0)" }).joined(separator: ", ")
        note("recording \(topics.joined(separator: ", ")) (\(sources)) to \(out == "-" ? "standard output" : out)")

        var tally = Tally()
        let reason: String
        do {
            reason = try record(from: socket, into: writer, tally: &tally, startedNs: startedNs)
            try writer.close()
        } catch let error as CaptureError {
            fail("\(error)", status: 74)  // EX_IOERR
        } catch {
            try? writer.close()
            fail("receiving failed: \(error); \(tally.messages) messages recorded", status: 74)
        }
        let elapsed = Double(MonotonicClock.nowNs() - startedNs) / 1e9
        let odd = tally.oddFrameCounts > 0 ? " (\(tally.oddFrameCounts) of other than 2 frames)" : ""
        note(
            "\(tally.messages) messages\(odd), \(tally.bytes) bytes received, \(writer.bytesWritten) bytes written to "
                + "\(out == "-" ? "standard output" : out), in \(String(format: "%.1f", elapsed)) s; stopped: \(reason)")
    }

    /// Counters of a recording.
    private struct Tally {
        var messages = 0
        var bytes = 0
        var oddFrameCounts = 0
    }

    /// Receives and writes until a stop condition; returns which one.
    private func record(
        from socket: ZMQSocket, into writer: CaptureWriter, tally: inout Tally, startedNs: UInt64
    ) throws -> String {
        var batch = MessageBatch(maxStoredFrameBytes: maxMessageBytes, reservingBytes: Self.batchSize * 512, messages: Self.batchSize)
        // Saturating: --seconds 1e300 is "until stopped", not a trap converting 1e309 ns.
        let deadlineNs = seconds.map { MonotonicClock.deadline(afterSeconds: $0, from: startedNs) }
        while true {
            if let signal = stopRequest { return signal }
            if let count, tally.messages >= count { return "--count \(count) reached" }
            var timeoutMs = 100
            if let deadlineNs {
                let now = MonotonicClock.nowNs()
                guard now < deadlineNs else { return "--seconds \(seconds ?? 0) elapsed" }
                // In whole ms, rounded up; no sum that can overflow for a deadline at UInt64.max.
                timeoutMs = Int(min(UInt64(timeoutMs), (deadlineNs - now) / 1_000_000 + 1))
            }
            if try socket.waitForInput(timeoutMs: timeoutMs) {
                batch.removeAll()
                let limit = min(Self.batchSize, (count ?? .max) - tally.messages)
                while batch.count < limit, try socket.receive(into: &batch, dontWait: true) {}
                let receivedMs = Self.epochMs()
                for index in 0..<batch.count {
                    let frames = batch.frames(ofMessage: index)
                    tally.bytes += frames.reduce(0) { $0 + $1.length }
                    if frames.count != 2 { tally.oddFrameCounts += 1 }
                    try writer.append(batch, message: index, receivedMs: receivedMs)
                }
                tally.messages += batch.count
            }
            try writer.flushIfDue()
        }
    }

    /// Now, epoch ms: the wall clock (CLOCK_REALTIME), as vigild's ingest stamps its batches.
    private static func epochMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))
    }

    private func fail(_ message: String, status: Int32) -> Never {
        note(message)
        Foundation.exit(status)
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data("vigil record: \(message)\n".utf8))
    }
}
