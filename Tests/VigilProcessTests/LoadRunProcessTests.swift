import Foundation
import Testing

/// `vigil-sim run` in load mode against a real vigild: the latency of its raised alerts, the
/// .hgrm and SVG files, and no progress line when standard error is not a terminal.
struct LoadRunProcessTests {
    @Test func loadRunTimesRaisedAlertsAndWritesItsFiles() throws {
        let daemon = try RunningDaemon()
        defer { daemon.child.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plot = folder.appendingPathComponent("latency.svg").path, hgrm = folder.appendingPathComponent("latency.hgrm").path
        // 26,000 frames: a pass of the 128 crossings and a bit.
        let sim = try Child(
            "vigil-sim",
            [
                "run", "Benchmarks/scenarios/rabia-crossing-waves.yaml", "--endpoint", daemon.ingest, "--alerts", daemon.alerts,
                "--rate", "4000", "--count", "26000", "--latency-plot", plot, "--latency-hgrm", hgrm, "--json-summary",
            ])
        let exit = sim.wait(seconds: 60)
        if exit == nil { sim.stop() }
        #expect(exit == 0, "vigil-sim: \(sim.stderr)")

        let lines = sim.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("latency, frame sent → raised alert received (ms): ") }, "\(sim.stdout)")
        #expect(lines.contains("    count      min      p50      p90      p99    p99.9      max"), "\(sim.stdout)")
        let json = try #require(lines.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        let latency = try #require(json["latency"] as? [String: Any], "\(json)")
        let timed = latency["count"] as? Int ?? 0
        #expect(timed >= 100, "most of the 128 crossings timed: \(latency)")
        #expect(latency["unmatched"] as? Int == 0, "\(latency)")
        #expect((latency["p50_ms"] as? Double ?? 0) > 0)

        let progressLines = sim.stderr.split(separator: "\n").filter { $0.hasPrefix("[") || $0.contains("\r") }
        #expect(progressLines.isEmpty, "no progress line into a file: \(sim.stderr)")
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<path d=\"M") && svg.hasSuffix("</svg>\n"))
        let distribution = try String(contentsOfFile: hgrm, encoding: .utf8)
        #expect(distribution.contains("Total count    = ") && distribution.contains("1/(1-Percentile)"))
    }
}
