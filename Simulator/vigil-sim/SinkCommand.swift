import ArgumentParser
import VigilCore
import VigilSimulation
import ZeroMQ

/// `vigil-sim sink`: receive detection messages like the daemon would, check them against the
/// contract, and report what arrived and how fast.
struct SinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Receive detection messages in place of the daemon; count, validate and time them.",
        discussion: """
            Binds (or connects) a SUB socket, parses every payload with the daemon's frame report parser, and
            stops after --seconds, or once messages have stopped arriving for --idle-ms. The rate is measured
            from the first message to the last.
            """)

    @Option(help: ArgumentHelp("Bind the SUB socket here (default tcp://127.0.0.1:7601 unless --connect is given).", valueName: "endpoint"))
    var bind: String?

    @Option(help: ArgumentHelp("Connect the SUB socket to a simulator that binds.", valueName: "endpoint"))
    var connect: String?

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "s"))
    var seconds = 60.0

    @Option(help: ArgumentHelp("Stop once nothing has arrived for this long after the first message.", valueName: "ms"))
    var idleMs = 2_000

    @Flag(help: "Print the summary as one JSON object on the last line of standard output.")
    var jsonSummary = false

    func run() throws {
        let binds = bind.map { [$0] } ?? (connect == nil ? ["tcp://127.0.0.1:7601"] : [])
        var received = 0, valid = 0, detections = 0, bytes = 0
        var rejected: [RejectReason: Int] = [:]
        var first = 0.0, last = 0.0
        do {
            let context = try ZMQContext()
            let sink = try FrameSink(context: context, bind: binds, connect: connect.map { [$0] } ?? [])
            defer { sink.close() }
            StandardError.write("vigil-sim sink: listening on \((sink.boundEndpoints + (connect.map { [$0] } ?? [])).joined(separator: ", "))")
            let start = WallClock.monotonic()
            while WallClock.monotonic() - start < seconds {
                let count = try sink.drain(timeoutMs: 50) { frameCount, _, payload in
                    bytes += payload.count
                    guard frameCount == 2 else {
                        rejected[.wrongFrameCount, default: 0] += 1
                        return
                    }
                    do throws(FrameReportError) {
                        let report = try FrameReportParser.parse(payload)
                        valid += 1
                        detections += report.detections.count
                    } catch {
                        rejected[error.reason, default: 0] += 1
                    }
                }
                let now = WallClock.monotonic()
                if count > 0 {
                    if received == 0 { first = now }
                    received += count
                    last = now
                } else if received > 0 && (now - last) * 1000 >= Double(idleMs) {
                    break
                }
            }
        } catch {
            StandardError.write("vigil-sim sink: \(error)")
            throw ExitCode(1)
        }
        let span = last - first
        let rate = span > 0 ? Double(received) / span : 0
        let reasons = rejected.sorted { $0.key.rawValue < $1.key.rawValue }
        print(
            "vigil-sim sink: received \(received) messages (\(valid) valid, \(received - valid) rejected), \(detections) detections, "
                + "\(bytes) payload bytes in \(Format.fixed(span, 2)) s: \(Format.fixed(rate, 0)) msg/s")
        for (reason, count) in reasons { print("  rejected \(reason.rawValue): \(count)") }
        if jsonSummary {
            let byReason = reasons.map { #""\#($0.key.rawValue)":\#($0.value)"# }.joined(separator: ",")
            print(
                #"{"received":\#(received),"valid":\#(valid),"detections":\#(detections),"seconds":\#(Format.fixed(span, 6)),"rate":\#(Format.fixed(rate, 1)),"rejected":{\#(byReason)}}"#)
        }
    }
}
