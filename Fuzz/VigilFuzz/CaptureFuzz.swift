import VigilCapture
import VigilCore

/// The capture reader's fuzz target (`Fuzz/capture`): the input is a capture file (NDJSON, as
/// `vigil record` writes it), read by ``CaptureReader`` from memory (``CaptureReader/init(bytes:name:)``,
/// the same line splitting and parsing as from a file). Its first messages whose `recv_ms` a
/// replay can run at (``Replayer/recordedTimeRange``) are replayed through the engine of the
/// default configuration, as `vigil replay` does; a reader that gives more messages than the
/// input has lines stops it.
///
/// Only messages within ``maxReplayedSpanMs`` of recorded time after the first one replayed are
/// replayed: the replayer runs the engine's 500 ms timer tick by tick through a gap of up to
/// two days (``Replayer/maxSimulatedGapMs``, 345,600 ticks, about 1.4 s of CPU under the
/// fuzzer's instrumentation), which is the replay's faithful cost of simulating that time, not
/// a hang (the fuzzer's first run stopped there: `Fuzz/corpus/capture/regress-two-day-gap`).
public enum CaptureFuzz {
    /// How many messages of one input are replayed (the engine is the engine target's business;
    /// this reaches it with what the reader gives).
    static let maxReplayed = 8
    /// The stretch of recorded time replayed: 10 minutes (1,200 timer ticks at most).
    static let maxReplayedSpanMs: Int64 = 600_000

    /// Loads the configuration (for the replay's engine) before the first input.
    public static func prepare() {
        _ = FuzzSetup.shared
    }

    /// Runs one input (any bytes).
    public static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = [UInt8](data)
        guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz.ndjson") else { return }
        let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let setup = FuzzSetup.shared
        var replayer = Replayer(engine: setup.engine, batchSize: setup.batchSize)
        var messages = 0, replayed = 0
        var firstReplayedMs: Int64?
        do throws(CaptureError) {
            while let message = try reader.next() {
                messages += 1
                precondition(messages <= lines, "CaptureFuzz: more messages than lines")
                precondition(message.frameCount >= 1 && (message.frameCount >= 2 || message.payload.isEmpty), "CaptureFuzz: a message of \(message.frameCount) frames")
                let first = firstReplayedMs ?? message.receivedMs
                if replayed < maxReplayed && Replayer.recordedTimeRange.contains(message.receivedMs)
                    && (first...first.addingSaturating(maxReplayedSpanMs)).contains(message.receivedMs) {
                    firstReplayedMs = first
                    replayed += 1
                    replayer.feed(message) { _ in }
                }
            }
        } catch {
            precondition(error.file == "fuzz.ndjson" && error.line != nil, "CaptureFuzz: an error that names no line: \(error)")
        }
        replayer.finish { _ in }
    }
}
