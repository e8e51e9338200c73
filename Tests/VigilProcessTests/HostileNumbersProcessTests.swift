import Foundation
import Synchronization
import Testing
import ZeroMQ

/// The `vigil` tool given numbers at the ends of their types (issue 12), by a daemon (a catch-up
/// reply, a state file written from one), by a capture, or on its command line: each is used or
/// refused with a message, and the tool never traps.
@Suite struct HostileNumbersProcessTests {
    /// A catch-up endpoint that answers every request with `header` and no alerts.
    final class FakeCatchUp: Sendable {
        let endpoint: String
        private let stopping = Atomic<Bool>(false)
        private let done = DispatchSemaphore(value: 0)

        init(header: String) throws {
            let context = try ZMQContext()
            let socket = try ZMQSocket(context: context, type: .router)
            endpoint = try socket.bind("tcp://127.0.0.1:*")
            let thread = Thread { [self] in
                defer {
                    socket.close()
                    done.signal()
                }
                while !stopping.load(ordering: .relaxed) {
                    guard (try? socket.waitForInput(timeoutMs: 50)) == true, let request = try? socket.receiveMessage(dontWait: true), request.count >= 2
                    else { continue }
                    _ = try? socket.send([request[0], [], Array("catchup".utf8), Array(header.utf8)])
                }
            }
            thread.start()
        }

        func stop() {
            stopping.store(true, ordering: .relaxed)
            done.wait()
        }
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-hostile-\(UUID().uuidString)-\(name)").path
    }

    /// A position of UInt64.max (a daemon said so) and a daemon whose journal goes as far:
    /// `oldest_seq > after + 1` overflowed and `vigil tail --resume` trapped on start.
    @Test func tailResumesFromTheLastSeqThereIs() throws {
        let header = #"{"v":1,"after":18446744073709551615,"last_seq":18446744073709551615,"latest_seq":18446744073709551615,"oldest_seq":5,"count":0,"more":false}"#
        let fake = try FakeCatchUp(header: header)
        defer { fake.stop() }
        let state = Self.temporaryPath("tail.state")
        try #"{"v":1,"last_seq":18446744073709551615,"stdout":null}"#.write(toFile: state, atomically: true, encoding: .utf8)
        let tail = try Child("vigil", ["tail", "--resume", state, "--catchup", fake.endpoint, "--endpoint", try freeEndpoint(), "--seconds", "1.5"])
        #expect(tail.wait(seconds: 20) == 0, "\(tail.stderr)")
        #expect(try String(contentsOfFile: state, encoding: .utf8).contains(#""last_seq":18446744073709551615"#))
    }

    /// `UInt64(seconds * 1e9)` trapped for a negative, NaN or huge `--seconds`.
    @Test func tailRefusesSecondsThatAreNotADurationAndTakesHugeOnesAsForever() throws {
        let fake = try FakeCatchUp(header: #"{"v":1,"after":0,"last_seq":0,"latest_seq":0,"oldest_seq":0,"count":0,"more":false}"#)
        defer { fake.stop() }
        for seconds in ["-1", "nan", "-inf"] {
            let tail = try Child(
                "vigil", ["tail", "--resume", Self.temporaryPath("s.state"), "--catchup", fake.endpoint, "--endpoint", try freeEndpoint(), "--seconds=\(seconds)"])
            #expect(tail.wait(seconds: 20) == 64, "--seconds \(seconds): \(tail.stderr)")
            #expect(tail.stderr.contains("--seconds must be a number of seconds, 0 or more"), "\(tail.stderr)")
        }
        let forever = try Child(
            "vigil", ["tail", "--resume", Self.temporaryPath("f.state"), "--catchup", fake.endpoint, "--endpoint", try freeEndpoint(), "--seconds", "1e300"])
        #expect(forever.wait(seconds: 1.5) == nil, "still following, not trapped: \(forever.stderr)")
        kill(forever.process.processIdentifier, SIGKILL)
        _ = forever.wait(seconds: 5)
    }

    /// `Int64(value * scale)` and `now + duration` trapped for `--for 1e300d`, `--for infs` and
    /// a duration that fits but ends past Int64.max.
    @Test func silenceAddRefusesDurationsBeyondTheClock() throws {
        let endpoint = try freeEndpoint()
        for duration in ["1e300d", "infs", "106751991167d", "9223372036854775807s"] {
            let child = try Child("vigil", ["silence", "add", "--kind", "k", "--for", duration, "--endpoint", endpoint, "--timeout", "0.5"])
            #expect(child.wait(seconds: 20) == 64, "--for \(duration): \(child.stderr)")
            #expect(child.stderr.contains("--for \(duration)"), "\(child.stderr)")
        }
    }

    /// `Int(timeout * 1_000)` trapped for `--timeout 1e300` and `nan`.
    @Test func controlTimeoutsAreBounded() throws {
        for timeout in ["1e300", "nan", "-1", "0"] {
            let child = try Child("vigil", ["stats", "--endpoint", try freeEndpoint(), "--timeout=\(timeout)"])
            #expect(child.wait(seconds: 20) == 64, "--timeout \(timeout): \(child.stderr)")
            #expect(child.stderr.contains("--timeout must be more than 0 and at most 86400 seconds"), "\(child.stderr)")
        }
    }

    static func replay(_ lines: [String]) throws -> (status: Int32?, stderr: String, path: String) {
        let path = temporaryPath("capture.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let child = try Child("vigil", ["replay", path, "--config", "Config/vigild.yaml"])
        let status = child.wait(seconds: 120)
        if status == nil { child.stop() }
        return (status, child.stderr, path)
    }

    static let heartbeat = #"{\"v\":1,\"camera\":\"cam-rabia-17\",\"seq\":1,\"ts\":1795228387000,\"detections\":[]}"#

    /// `now + 500` trapped for a `recv_ms` near Int64.max; now the line is refused by number.
    @Test func replayRefusesARecvMsItCannotRunAt() throws {
        for receivedMs in ["9223372036854775807", "-9223372036854775808", "9007199254740993"] {
            let result = try Self.replay([
                #"{"vigil_capture":1,"started_ms":0}"#, #"{"recv_ms":1795228387030,"topic":"det.S12.cam-rabia-17","payload":"\#(Self.heartbeat)"}"#,
                #"{"recv_ms":\#(receivedMs),"topic":"det.S12.cam-rabia-17","payload":"\#(Self.heartbeat)"}"#,
            ])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("\(result.path):3: recv_ms \(receivedMs) is not a time a replay can run at"), "\(result.stderr)")
        }
    }

    /// From a real time to 2^53 there were 14 trillion timer ticks to run: the replay never
    /// ended. Now the ticks past two days of the gap run as one, and the summary says so.
    @Test func replayCrossesAHugeGapInRecordedTime() throws {
        let result = try Self.replay([
            #"{"vigil_capture":1,"started_ms":0}"#, #"{"recv_ms":1795228387030,"topic":"det.S12.cam-rabia-17","payload":"\#(Self.heartbeat)"}"#,
            #"{"recv_ms":9007199254740992,"topic":"det.S12.cam-rabia-17","payload":"\#(Self.heartbeat)"}"#,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("timer ticks run as one: recorded time jumped more than 48 h without a message"), "\(result.stderr)")
    }
}
