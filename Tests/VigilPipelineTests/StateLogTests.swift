import Foundation
import Logging
import Testing
import VigilConfig
import VigilCore
import VigilJournal
@testable import VigilPipeline

/// The journal's state log (issue 16): a whole state, then patches of what changed. What the
/// log adds up to must resume the processor as the whole state would have: the same incidents,
/// the same targets, nothing raised twice.
@Suite struct StateLogTests {
    /// People at 1 Hz on two cameras: three walk across the line at different times, one stands
    /// in Syria all along, one walks along the line without crossing. Each camera's frame a
    /// second, `ts` = wall time.
    static func frames(seconds: Int, startMs: Int64) -> [(topic: [UInt8], payload: [UInt8])] {
        let plane = LocalPlane(origin: GeoPoint(lat: 36.5, lon: 42.0))
        var out: [(topic: [UInt8], payload: [UInt8])] = []
        for second in 0..<seconds {
            var detections: [String] = []
            func person(_ track: Int, x: Double, y: Double) {
                let p = plane.unproject(Vector2(x: x, y: y))
                detections.append(#"{"track":\#(track),"class":"person","conf":0.9,"lat":\#(p.lat),"lon":\#(p.lon)}"#)
            }
            for (i, start) in [0, 40, 90].enumerated() where second >= start && second < start + 60 {
                person(10 + i, x: -120 + 4 * Double(second - start), y: Double(i) * 300 - 300)
            }
            person(20, x: -400, y: 500)
            person(21, x: -200, y: -600 + 3 * Double(second))
            for camera in ["cam-a", "cam-b"] {
                let ts = startMs + Int64(second) * 1_000 + (camera == "cam-a" ? 0 : 20)
                let payload = #"{"v":1,"camera":"\#(camera)","seq":\#(second + 1),"ts":\#(ts),"detections":[\#(detections.joined(separator: ","))]}"#
                out.append((Array("det.S01.\(camera)".utf8), Array(payload.utf8)))
            }
        }
        return out
    }

    static func processor() throws -> (AlertProcessor, FrameValidator) {
        let configuration = try DaemonTests.configuration()
        let engine = configuration.makeEngine()
        return (AlertProcessor(engine: engine), FrameValidator(cameras: CameraRegistry(configuration.cameras)))
    }

    static func state(_ processor: AlertProcessor) -> DaemonState {
        DaemonState(engine: processor.engine, gate: processor.gate, visibleOpen: processor.visibleOpen)
    }

    /// The run, with a patch after every frame that raised alerts (as the journal takes them)
    /// and every 2 s; stops after `split` frames. Returns the processor, the log and the alerts.
    static func run(
        frames: [(topic: [UInt8], payload: [UInt8])], split: Int, wholeAt: Int? = nil
    ) throws -> (processor: AlertProcessor, builder: StateLogBuilder, log: [[UInt8]], alerts: [AlertMessage]) {
        var (processor, validator) = try Self.processor()
        var builder = StateLogBuilder()
        var log: [[UInt8]] = []
        var alerts: [AlertMessage] = []
        for (i, frame) in frames.prefix(split).enumerated() {
            let validated = try validator.validate(topic: frame.topic, payload: frame.payload).get()
            let nowMs = validated.report.ts
            _ = processor.process(validated, nowMs: nowMs)
            processor.endBatch(nowMs: nowMs)
            _ = processor.tick(nowMs: nowMs)
            let events = processor.takeOutbox()
            alerts += events
            let tick = i % 4 == 3
            if !events.isEmpty || tick {
                let patch = builder.patch(of: state(processor), scope: tick ? .all : .alerts, wallNowMs: nowMs)
                if !patch.isEmpty { log.append(patch.encoded()) }
            }
            if i == wholeAt {
                // A whole state from a copy, as the journal stores it now and then.
                log = [StatePatch(whole: state(processor), wallNowMs: nowMs).encoded()]
            }
        }
        return (processor, builder, log, alerts)
    }

    @Test func aLogOfPatchesAddsUpToTheStateItFollowed() throws {
        let frames = Self.frames(seconds: 160, startMs: 1_800_000_000_000)
        for split in [30, 101, 187, 250, 320] {
            var (live, builder, log, _) = try Self.run(frames: frames, split: split, wholeAt: split > 200 ? 150 : nil)
            // The targets of no incident as they are now, as the next tick writes them.
            let nowMs = try Self.processor().1.validate(topic: frames[split - 1].topic, payload: frames[split - 1].payload).get().report.ts
            log.append(builder.patch(of: Self.state(live), scope: .all, wallNowMs: nowMs).encoded())
            var replay = StateLogReplay()
            for patch in log { try replay.apply(patch) }
            let assembled = try replay.assembled()
            let decoded = try DaemonStateCodec.decode(assembled.bytes)
            var resumed = try Self.processor().0.engine
            var reader = StateReader(decoded.engine)
            try resumed.restoreState(from: &reader, takenWallMs: decoded.takenWallMs, wallNowMs: decoded.takenWallMs)
            #expect(resumed.encodeStateCounters() == live.engine.encodeStateCounters(), "split \(split)")
            #expect(Set(decoded.visibleOpen.map(\.id)) == Set(live.visibleOpen.keys), "split \(split)")
            var liveIncidents: [UInt64: UInt64] = [:], resumedIncidents: [UInt64: UInt64] = [:]
            live.engine.visitStateIncidents { key, _, material, _ in liveIncidents[key] = material }
            resumed.visitStateIncidents { key, _, material, _ in resumedIncidents[key] = material }
            #expect(liveIncidents == resumedIncidents, "split \(split)")
            var liveTargets: [UInt64: UInt64] = [:], resumedTargets: [UInt64: UInt64] = [:]
            var livePositions: [UInt64: GeoPoint] = [:], resumedPositions: [UInt64: GeoPoint] = [:]
            live.engine.visitStateTargets(boundOnly: false) { serial, key, position, _, _ in (liveTargets[serial], livePositions[serial]) = (key, position) }
            resumed.visitStateTargets(boundOnly: false) { serial, key, position, _, _ in (resumedTargets[serial], resumedPositions[serial]) = (key, position) }
            #expect(liveTargets == resumedTargets, "split \(split)")
            #expect(!liveTargets.isEmpty)
            // Each where it was last seen, give or take the move the log lets pass unwritten.
            for (serial, position) in livePositions {
                let distance = resumedPositions[serial].map { $0.distance(to: position) } ?? .infinity
                #expect(distance < live.engine.stateMoveM * 2.squareRoot(), "split \(split): target \(serial) resumed \(distance) m away")
            }
        }
    }

    @Test func aWholeStateWrittenTargetByTargetIsTheWholePatch() throws {
        let frames = Self.frames(seconds: 60, startMs: 1_800_000_000_000)
        let (live, _, _, _) = try Self.run(frames: frames, split: frames.count)
        let state = Self.state(live)
        try #require(state.engine.stats.targetsActive > 0)
        #expect(StatePatch.encodedWhole(state, wallNowMs: 7) == StatePatch(whole: state, wallNowMs: 7).encoded())
    }

    @Test func aProcessorResumedFromTheLogAtAnyPointRaisesEveryCrossingOnceAndResolvesIt() throws {
        let frames = Self.frames(seconds: 200, startMs: 1_800_000_000_000)
        let (_, _, _, uninterrupted) = try Self.run(frames: frames, split: frames.count)
        let raisedOnce = uninterrupted.filter { $0.state == .raised }
        try #require(raisedOnce.count == 3, "three people cross: \(raisedOnce.map(\.id))")
        for split in stride(from: 17, to: frames.count - 40, by: 23) {
            let (_, _, log, before) = try Self.run(frames: frames, split: split, wholeAt: split / 2)
            var replay = StateLogReplay()
            for patch in log { try replay.apply(patch) }
            let bytes = try replay.assembled().bytes
            var (fresh, validator) = try Self.processor()
            let resumed = Daemon.resume(
                DaemonState(engine: fresh.engine, gate: fresh.gate, visibleOpen: [:]),
                from: JournalSnapshot(seq: 0, takenMs: 0, bytes: bytes), lastSeq: 0, logger: Logger(label: "test"))
            #expect(resumed.closing.isEmpty, "split \(split): the state was refused")
            fresh = AlertProcessor(engine: resumed.0.engine, gate: resumed.0.gate, visibleOpen: resumed.0.visibleOpen)
            var after: [AlertMessage] = []
            for frame in frames[split...] {
                let validated = try validator.validate(topic: frame.topic, payload: frame.payload).get()
                _ = fresh.process(validated, nowMs: validated.report.ts)
                fresh.endBatch(nowMs: validated.report.ts)
                _ = fresh.tick(nowMs: validated.report.ts)
                after += fresh.takeOutbox()
            }
            let end = (frames.last.map { try? validator.validate(topic: $0.topic, payload: $0.payload).get() } ?? nil)?.report.ts ?? 0
            for step in 1...80 { _ = fresh.tick(nowMs: end + Int64(step) * 500) }
            after += fresh.takeOutbox()
            let all = before + after
            let raised = all.filter { $0.state == .raised }.map(\.id)
            #expect(raised.count == 3 && Set(raised).count == 3, "split \(split): raised \(raised)")
            let resolved = all.filter { $0.state == .resolved }.map(\.id)
            #expect(Set(resolved) == Set(raised) && resolved.count == raised.count, "split \(split): resolved \(resolved)")
        }
    }
    /// A row that cannot be read (a damaged disk) ends the replay: the state resumed is the one
    /// as of the row before it, not a fresh engine.
    @Test func aDamagedRowResumesTheStateAsOfTheRowBeforeIt() throws {
        let frames = Self.frames(seconds: 80, startMs: 1_800_000_000_000)
        let (_, _, log, alerts) = try Self.run(frames: frames, split: 120)
        try #require(alerts.contains { $0.state == .raised } && log.count > 3)
        var rows = log.enumerated().map { StateLogRow(turn: Int64($0.offset * 2), whole: $0.offset == 0, seq: 1, takenMs: 0, bytes: $0.element) }
        var prefix = StateLogReplay()
        for row in rows.dropLast() { try prefix.apply(row.bytes) }
        let expected = try DaemonStateCodec.decode(prefix.assembled().bytes)
        rows[rows.count - 1].bytes.removeLast(3)
        let (fresh, _) = try Self.processor()
        let resumed = Daemon.resume(
            DaemonState(engine: fresh.engine, gate: fresh.gate, visibleOpen: [:]), from: nil, log: rows, lastSeq: 1, logger: Logger(label: "test"))
        #expect(resumed.closing.isEmpty)
        #expect(Set(resumed.0.visibleOpen.keys) == Set(expected.visibleOpen.map(\.id)) && !resumed.0.visibleOpen.isEmpty)
        #expect(resumed.0.engine.stats.targetsActive > 0)
    }
}
