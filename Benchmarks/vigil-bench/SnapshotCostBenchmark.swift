import Foundation
import VigilConfig
import VigilCore

/// What the state snapshot that goes with every journal commit costs, as a function of the
/// engine's size: the engine of the configuration is fed ``AlertLoad`` frames (in event-time
/// order, the wall clock just after each) until it holds each of `targets` live targets; there,
/// the engine's part of the snapshot (``AlertEngine/encodeState(to:)``, which the daemon's writer
/// thread runs for every commit that carries alerts) is timed, and so is the copy the
/// processing queue pays when it changes the engine while the writer still holds the copy it
/// took (`ProcessingStage.take` hands out the engine by value; the first change afterwards
/// copies what it touches). The daemon's snapshot adds the silences and the visible open
/// incidents to the engine's part.
struct SnapshotCostBenchmark {
    /// The figures at one engine size.
    struct Row {
        /// Live targets, open incidents, and the encoded state's size.
        var targets: Int
        var incidents: Int
        var bytes: Int
        /// Median time of one `encodeState`, µs.
        var encodeMicroseconds: Double
        /// Median time to process one frame, µs, with no copy held, and right after a copy was taken.
        var frameMicroseconds: Double
        var frameAfterCopyMicroseconds: Double
        /// Median time of one look at every target's material key, µs: what the state log's
        /// patch every 2 s costs the processing queue when nothing changed.
        var scanMicroseconds: Double = 0
    }

    /// The configuration whose engine is measured, and its border line.
    var configuration: VigilConfiguration
    var border: Polyline
    /// Live targets at which to measure.
    var targets: [Int]
    /// Vehicles crossing ahead of each camera at once in the load that feeds the engine.
    var vehiclesPerCamera: Int
    /// Frames fed at most (the load is cut short if the engine never reaches a size).
    var maxFrames = 400_000

    /// Feeds the engine and measures at each size; also returns the alerts the feeding made.
    func run() throws -> (rows: [Row], frames: Int, alerts: Int) {
        let load = AlertLoad(
            count: 0, cameras: configuration.cameras, border: border, vehiclesPerCamera: vehiclesPerCamera,
            startMs: Int64(Date().timeIntervalSince1970 * 1_000) - Int64(maxFrames) - 60_000, spacingMs: 1)
        var engine = configuration.makeEngine()
        var alerts: [AlertMessage] = []
        var alertCount = 0
        var next = 0
        var rows: [Row] = []
        func feed(_ i: Int) throws {
            try apply(FrameReportParser.parse(load.message(i).payload), i)
        }
        func apply(_ report: FrameReport, _ i: Int) {
            let wallNowMs = report.ts + 50
            _ = engine.process(report, camera: i % load.cameraIds.count, wallNowMs: wallNowMs, into: &alerts)
            if i % 512 == 511 { engine.expire(wallNowMs: wallNowMs, into: &alerts) }
            alertCount += alerts.count
            alerts.removeAll(keepingCapacity: true)
        }
        for goal in targets.sorted() {
            while next < maxFrames - 64 && (next % 64 != 0 || engine.stats.targetsActive < goal) {
                try feed(next)
                next += 1
            }
            guard next < maxFrames - 64 else { break }
            let stats = engine.stats
            var encodes: [Double] = [], bytes = 0
            for _ in 0..<9 {
                let start = DispatchTime.now().uptimeNanoseconds
                var w = StateWriter(capacity: 1_024 + stats.targetsActive * 400)
                engine.encodeState(to: &w)
                encodes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
                bytes = w.bytes.count
            }
            var scans: [Double] = []
            for _ in 0..<9 {
                var keys: UInt64 = 0
                let start = DispatchTime.now().uptimeNanoseconds
                engine.visitStateTargets(boundOnly: false) { _, key, _, _, _ in keys ^= key }
                scans.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
                withExtendedLifetime(keys) {}
            }
            var plain: [Double] = [], afterCopy: [Double] = []
            for _ in 0..<15 {
                let first = try FrameReportParser.parse(load.message(next).payload)
                let second = try FrameReportParser.parse(load.message(next + 1).payload)
                var start = DispatchTime.now().uptimeNanoseconds
                apply(first, next)
                plain.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
                let held = engine  // what the writer thread holds while it encodes and commits
                start = DispatchTime.now().uptimeNanoseconds
                apply(second, next + 1)
                afterCopy.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
                withExtendedLifetime(held) {}
                next += 2
            }
            rows.append(
                Row(
                    targets: stats.targetsActive, incidents: stats.incidentsOpen, bytes: bytes, encodeMicroseconds: Summary.median(encodes),
                    frameMicroseconds: Summary.median(plain), frameAfterCopyMicroseconds: Summary.median(afterCopy), scanMicroseconds: Summary.median(scans)))
        }
        return (rows, next, alertCount)
    }
}
