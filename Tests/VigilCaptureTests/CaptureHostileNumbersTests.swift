import Foundation
import Testing
import VigilCapture
import VigilConfig
import VigilCore

/// Numbers from capture lines (issue 12): `recv_ms` and `frames` anywhere in (and beyond) their
/// types are kept or refused with the field's name, and none traps a replay.
@Suite struct CaptureHostileNumbersTests {
    // MARK: Replay of recorded times

    static func message(_ receivedMs: Int64, seq: Int = 1) -> CapturedMessage {
        CapturedMessage(receivedMs: receivedMs, topic: Array("det.S01.cam-a".utf8), payload: CaptureTests.report("cam-a", seq: seq, ts: 1_795_228_387_000))
    }

    /// `now + 500` and `tick += 500` trapped for a `recv_ms` within 500 ms of Int64.max.
    @Test(arguments: [Int64.max, .max - 499, .min, .min + 1, -1])
    func aRecvMsAtTheEndsOfInt64IsTakenAsTheNearestTimeAReplayRunsAt(receivedMs: Int64) {
        var replayer = Replayer(configuration: CaptureTests.configuration)
        var alerts = 0
        replayer.feed(Self.message(receivedMs)) { _ in alerts += 1 }
        replayer.feed(Self.message(receivedMs, seq: 2)) { _ in alerts += 1 }
        replayer.finish { _ in alerts += 1 }
        #expect(replayer.summary.firstReceivedMs == receivedMs.clamped(to: Replayer.recordedTimeRange) && replayer.summary.messages == 2)
    }

    /// From 0 to 2^53 there were 18 trillion ticks to run, one by one: the replay never ended.
    /// Now the first two days of a gap tick one by one and the rest as one, on the same grid.
    @Test func aJumpAcrossTheWholeRangeEndsAndKeepsTheTimersGrid() {
        var replayer = Replayer(configuration: CaptureTests.configuration)
        var alerts: [AlertMessage] = []
        let start: Int64 = 1_795_228_387_030
        for message in CaptureTests.crossing(ts: start - 30) { replayer.feed(message) { alerts.append($0) } }
        let first = CaptureTests.crossing(ts: start - 30)[0].receivedMs
        let end = Replayer.recordedTimeRange.upperBound
        replayer.feed(Self.message(end, seq: 100)) { alerts.append($0) }
        replayer.finish { alerts.append($0) }
        let summary = replayer.summary
        #expect(alerts.map(\.state) == [.raised, .resolved], "the crossing resolves in the first ticks of the gap")
        #expect(alerts.allSatisfy { $0.emittedTs < start + 60_000 })
        let due = UInt64((end - first) / Replayer.expiryIntervalMs)
        #expect(summary.expiryTicks + summary.expiryTicksSkipped == due, "every tick due is run or counted as skipped")
        #expect(summary.expiryTicks < UInt64(Replayer.maxSimulatedGapMs / Replayer.expiryIntervalMs) + 100)
        #expect(summary.lastReceivedMs == end)
    }

    /// A gap shorter than the limit is ticked one by one, as before.
    @Test func aGapWithinTheLimitTicksOneByOne() {
        var replayer = Replayer(configuration: CaptureTests.configuration)
        let start: Int64 = 1_795_228_387_030
        replayer.feed(Self.message(start)) { _ in }
        replayer.feed(Self.message(start + 3_600_000, seq: 2)) { _ in }
        #expect(replayer.summary.expiryTicks == 7_200 && replayer.summary.expiryTicksSkipped == 0)
    }

    /// `vigil replay` and `vigil rules test` read captures through ``Replayer/checked(_:from:)``:
    /// a `recv_ms` a replay cannot run at is an error naming the file and line.
    @Test func aCaptureLineWithATimeOutsideTheRangeStopsTheReplayWithItsLine() throws {
        for receivedMs in [Int64.max, Int64.min, -1, (1 << 53) + 1] {
            let path = try CaptureTests.write(
                #"{"vigil_capture":1,"started_ms":0}"# + "\n" + #"{"recv_ms":1795228387030,"topic":"det.S01.cam-a","payload":"{}"}"# + "\n"
                    + #"{"recv_ms":\#(receivedMs),"topic":"det.S01.cam-a","payload":"{}"}"# + "\n")
            var replayer = Replayer(configuration: CaptureTests.configuration)
            let reader = try CaptureReader(path: path)
            defer { reader.close() }
            do {
                try replayer.run(reader) { _ in }
                Issue.record("recv_ms \(receivedMs) was replayed")
            } catch {
                #expect(error.file == path && error.line == 3)
                #expect(error.message == "recv_ms \(receivedMs) is not a time a replay can run at: expected epoch ms from 0 to 9007199254740992")
            }
            #expect(replayer.summary.messages == 1)
        }
    }

    /// The capture reader itself keeps any 64-bit `recv_ms` and refuses what does not fit,
    /// and `frames` outside 1...Int32.max, with the field's name.
    @Test func captureNumbersBeyondTheirTypesAreRefusedByName() throws {
        let (_, read) = try CaptureTests.readAll(
            try CaptureTests.write(
                #"{"recv_ms":-9223372036854775808,"topic":"t","payload":"p"}"# + "\n" + #"{"recv_ms":9223372036854775807,"frames":2147483647,"topic":"t","payload":"p"}"#))
        #expect(read.map(\.receivedMs) == [.min, .max] && read[1].frameCount == Int(Int32.max))
        let refused: [(String, String)] = [
            (#"{"recv_ms":9223372036854775808,"topic":"t","payload":"p"}"#, #""recv_ms" must be a whole number"#),
            (#"{"recv_ms":-9223372036854775809,"topic":"t","payload":"p"}"#, #""recv_ms" must be a whole number"#),
            (#"{"recv_ms":1e400,"topic":"t","payload":"p"}"#, #""recv_ms" must be a whole number"#),
            (#"{"recv_ms":1,"frames":2147483648,"topic":"t","payload":"p"}"#, #""frames" must be a whole number from 1"#),
            (#"{"recv_ms":1,"frames":0,"topic":"t"}"#, #""frames" must be a whole number from 1"#),
            (#"{"recv_ms":1,"frames":-9223372036854775808,"topic":"t"}"#, #""frames" must be a whole number from 1"#),
            (#"{"vigil_capture":99999999999999999999,"started_ms":0}"#, #""vigil_capture" must be a whole number"#),
            (#"{"vigil_capture":1,"started_ms":1e400}"#, #"the header needs "started_ms", a whole number"#),
        ]
        for (line, message) in refused {
            let path = try CaptureTests.write(line)
            #expect(throws: CaptureError.self) { try CaptureTests.readAll(path) }
            do { _ = try CaptureTests.readAll(path) } catch { #expect(error.message == message, "\(line)") }
        }
    }
}
