import ArgumentParser
import Foundation
import VigilCore

/// `vigil-bench parse`: the cost of decoding one frame report, `FrameReportParser` against
/// Foundation's `JSONDecoder` into a `Codable` mirror of the contract.
struct ParserBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Time FrameReportParser against JSONDecoder on a typical frame report (median ns per message)."
    )

    @Option(help: "Timed runs of each decoder; the median run is reported.")
    var runs = 15

    @Option(help: "Reports parsed per run by FrameReportParser.")
    var iterations = 100_000

    @Option(help: "Reports decoded per run by JSONDecoder (slower, so fewer by default).")
    var decoderIterations = 10_000

    /// A typical report, as a Python gateway's `json.dumps` writes it: the contract's example
    /// with a speed and heading on the first detection. About 300 bytes, 2 detections.
    static let payload = """
        {"v": 1, "camera": "cam-rabia-03", "seq": 18231, "ts": 1795228387250, "detections": [\
        {"track": 412, "class": "person", "conf": 0.91, "lat": 36.79213, "lon": 42.08931, "temp_c": 34.5, \
        "speed_mps": 1.4, "heading_deg": 172.5}, \
        {"track": 413, "class": "person", "conf": 0.88, "lat": 36.79219, "lon": 42.08944}]}
        """

    mutating func validate() throws {
        guard runs >= 1, iterations >= 1, decoderIterations >= 1 else {
            throw ValidationError("--runs, --iterations and --decoder-iterations must be at least 1.")
        }
    }

    func run() throws {
        let bytes = Array(Self.payload.utf8)
        let data = Data(bytes)
        let decoder = JSONDecoder()

        // Both must decode the payload, to the same report.
        let parsed = try FrameReportParser.parse(bytes)
        let decoded = try decoder.decode(MirrorReport.self, from: data).report
        guard parsed == decoded else {
            throw ValidationError("the decoders disagree:\n  \(parsed)\n  \(decoded)")
        }

        var sink: UInt64 = 0
        let parser = Self.medianNanoseconds(runs: runs, iterations: iterations) {
            let report = try? FrameReportParser.parse(bytes)
            sink &+= report?.seq ?? 0
        }
        let foundation = Self.medianNanoseconds(runs: runs, iterations: decoderIterations) {
            let report = try? decoder.decode(MirrorReport.self, from: data)
            sink &+= report?.seq ?? 0
        }

        print("payload: \(bytes.count) bytes, \(parsed.detections.count) detections; \(runs) runs, median of each")
        print("FrameReportParser: \(Self.format(parser)) ns/message (\(iterations) parses a run)")
        print("JSONDecoder:       \(Self.format(foundation)) ns/message (\(decoderIterations) decodes a run)")
        print("ratio:             \(Self.format(foundation / parser))x faster (checksum \(sink % 10))")
    }

    /// The median over `runs` of the time per call of `body`, in nanoseconds, after one warm-up run.
    static func medianNanoseconds(runs: Int, iterations: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for run in 0...runs {
            let elapsed = clock.measure {
                for _ in 0..<iterations { body() }
            }
            let (seconds, attoseconds) = elapsed.components
            if run > 0 {  // run 0 warms up caches and allocators
                samples.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
            }
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.0f", value)
    }

    /// The report as `Codable` sees it, the way a `JSONDecoder` port of the daemon would decode it.
    struct MirrorReport: Decodable {
        var v: Int
        var camera: String
        var seq: UInt64
        var ts: Int64
        var detections: [MirrorDetection]

        var report: FrameReport {
            FrameReport(camera: camera, seq: seq, ts: ts, detections: detections.map(\.detection))
        }
    }

    struct MirrorDetection: Decodable {
        var track: UInt32
        var objectClass: String
        var conf: Double
        var lat: Double
        var lon: Double
        var tempC: Double?
        var sizeM: Double?
        var speedMps: Double?
        var headingDeg: Double?

        enum CodingKeys: String, CodingKey {
            case track, objectClass = "class", conf, lat, lon
            case tempC = "temp_c", sizeM = "size_m", speedMps = "speed_mps", headingDeg = "heading_deg"
        }

        var detection: Detection {
            Detection(
                track: track, objectClass: ObjectClass(rawValue: objectClass) ?? .unknown, conf: conf, lat: lat,
                lon: lon, tempC: tempC, sizeM: sizeM, speedMps: speedMps, headingDeg: headingDeg)
        }
    }
}
