import Testing
import VigilCore
import VigilSimulation

/// A load run's latency without sockets: frames noted as sent, alert messages as they would
/// arrive, matched by `last_ts` and camera.
struct LoadLatencyTests {
    private func alert(
        _ state: String = "raised", lastTs: Int64?, cameras: [String]?, at time: Double, kind: String = "border_crossing"
    ) -> AlertArrival {
        AlertArrival(
            message: PartialAlertMessage(
                id: "al-\(lastTs ?? 0)", state: state, kind: kind, objectClass: "person", position: nil, firstTs: lastTs, lastTs: lastTs,
                emittedTs: nil, cameras: cameras),
            arrivedAt: time)
    }

    @Test func sendLogFindsTheFrameByEventTimeAndCamera() {
        var log = SendLog()
        log.append(ts: 1_000, cameraIndex: 0, at: 10.000)
        log.append(ts: 1_100, cameraIndex: 0, at: 10.100)
        log.append(ts: 1_050, cameraIndex: 1, at: 10.120)  // held back: out of ts order
        log.append(ts: 1_000, cameraIndex: 1, at: 10.130)
        log.append(ts: 1_000, cameraIndex: 0, at: 10.140)  // a duplicate
        #expect(log.count == 5)
        #expect(log.sendTime(lastTs: 1_050, cameraIndices: [1], notAfter: 11) == 10.120)
        #expect(log.sendTime(lastTs: 1_050, cameraIndices: [0], notAfter: 11) == nil, "another camera")
        #expect(log.sendTime(lastTs: 1_000, cameraIndices: [0], notAfter: 11) == 10.000, "a duplicate counts from its first copy")
        #expect(log.sendTime(lastTs: 1_000, cameraIndices: [1], notAfter: 11) == 10.130)
        #expect(log.sendTime(lastTs: 1_000, cameraIndices: [0, 1], notAfter: 11) == 10.000, "the earlier of two cameras")
        #expect(log.sendTime(lastTs: 1_000, cameraIndices: [1], notAfter: 10.125) == nil, "not sent before the alert came")
        #expect(log.sendTime(lastTs: 999, cameraIndices: [0, 1], notAfter: 11) == nil)
        #expect(log.sendTime(lastTs: 2_000, cameraIndices: [0, 1], notAfter: 11) == nil)
        log.forget(sentBefore: 10.110)
        #expect(log.count == 4, "the oldest send is forgotten; forgetting stops, in ts order, at the first frame sent since")
        #expect(log.sendTime(lastTs: 1_000, cameraIndices: [0], notAfter: 11) == 10.140, "the duplicate is left")
        #expect(log.sendTime(lastTs: 1_100, cameraIndices: [0], notAfter: 11) == 10.100)
        log.forget(sentBefore: 10.200)
        #expect(log.count == 0)
        #expect(log.sendTime(lastTs: 1_050, cameraIndices: [1], notAfter: 11) == nil)
    }

    @Test func raisedAlertsAreTimedFromTheFrameThatRaisedThem() {
        var latency = LoadLatency(cameras: ["cam-a", "cam-b"])
        latency.sent(ts: 1_000, cameraIndex: 0, at: 10.000)
        latency.sent(ts: 1_000, cameraIndex: 1, at: 10.001)
        latency.sent(ts: 1_100, cameraIndex: 0, at: 10.100)
        latency.absorb([
            alert(lastTs: 1_000, cameras: ["cam-b"], at: 10.011),  // 10 ms
            alert(lastTs: 1_100, cameras: ["cam-x", "cam-a"], at: 10.125),  // 25 ms
            alert("updated", lastTs: 1_100, cameras: ["cam-a"], at: 10.200),  // not timed
            alert(lastTs: 1_000, cameras: ["cam-offline"], at: 10.300, kind: "camera_offline"),  // not the run's
            alert(lastTs: 999, cameras: ["cam-a"], at: 10.300),  // no such frame
            alert(lastTs: nil, cameras: ["cam-a"], at: 10.300),
        ])
        let summary = latency.summary
        #expect(summary.count == 2 && latency.matched == 2)
        #expect(summary.raised == 4 && summary.unmatched == 2 && summary.otherRaised == 1 && summary.messages == 6)
        #expect(abs(summary.minMs - 10) < 0.02 && abs(summary.p50Ms - 10) < 0.02)
        #expect(abs(summary.p99Ms - 25) < 0.05 && abs(summary.maxMs - 25) < 0.05)
    }

    @Test func framesOlderThanTheHorizonAreForgotten() {
        var latency = LoadLatency(cameras: ["cam-a"], horizonS: 5)
        latency.sent(ts: 1_000, cameraIndex: 0, at: 10)
        latency.forget(now: 14)
        latency.absorb([alert(lastTs: 1_000, cameras: ["cam-a"], at: 14.5)])
        #expect(latency.summary.count == 1)
        latency.sent(ts: 2_000, cameraIndex: 0, at: 20)
        latency.forget(now: 26)
        latency.absorb([alert(lastTs: 2_000, cameras: ["cam-a"], at: 26)])
        #expect(latency.summary.count == 1 && latency.summary.unmatched == 1)
    }

    @Test func summaryTableJSONDistributionAndPlotPoints() {
        var latency = LoadLatency(cameras: ["cam-a"])
        for index in 0..<1_000 {
            let sentAt = 100 + Double(index) / 100
            latency.sent(ts: Int64(index), cameraIndex: 0, at: sentAt)
            latency.absorb([alert(lastTs: Int64(index), cameras: ["cam-a"], at: sentAt + Double(index + 1) / 1_000_000)])  // 1 to 1000 µs
        }
        let summary = latency.summary
        #expect(summary.count == 1_000)
        #expect(abs(summary.p50Ms - 0.5) < 0.001 && abs(summary.p90Ms - 0.9) < 0.001 && abs(summary.maxMs - 1) < 0.001)
        let lines = summary.table.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("latency, frame sent → raised alert received (ms): 1000 of 1000 raised alerts timed"))
        #expect(lines[1] == "    count      min      p50      p90      p99    p99.9      max")
        #expect(lines[2].hasPrefix("     1000    0.001    0.500    0.900"))
        #expect(summary.json.hasPrefix(#"{"count":1000,"min_ms":0.001,"p50_ms":0.500,"p90_ms":0.900"#))
        #expect(summary.json.hasSuffix(#""raised":1000,"unmatched":0,"other_raised":0,"messages":1000}"#))
        let hgrm = latency.percentileDistribution
        #expect(hgrm.contains("Value") && hgrm.contains("Percentile") && hgrm.contains("#[Max"))
        let points = latency.plotPoints
        #expect(points.first?.percentile ?? -1 >= 0 && points.last?.percentile == 100)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.percentile <= $1.percentile && $0.milliseconds <= $1.milliseconds })
        #expect(LoadLatency(cameras: []).plotPoints.isEmpty)
    }

    @Test func runSummaryJSONCarriesTheLatency() {
        let latency = LatencySummary(
            count: 2, minMs: 1, p50Ms: 1, p90Ms: 2, p99Ms: 2, p999Ms: 2, maxMs: 2, raised: 3, unmatched: 1, otherRaised: 0, messages: 9)
        let summary = RunSummary(sent: 10, detections: 4, hostile: 0, seconds: 1, latency: latency)
        #expect(summary.json.hasSuffix(#","hostile":0,"latency":{"count":2,"min_ms":1.000,"p50_ms":1.000,"p90_ms":2.000,"p99_ms":2.000,"p99_9_ms":2.000,"max_ms":2.000,"raised":3,"unmatched":1,"other_raised":0,"messages":9}}"#))
        #expect(!RunSummary(sent: 10, detections: 4, hostile: 0, seconds: 1).json.contains("latency"))
    }
}
