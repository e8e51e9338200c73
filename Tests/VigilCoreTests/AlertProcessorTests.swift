import Testing
@testable import VigilCore

/// The daemon's processing with time given: the engine's messages through the silences into the
/// outbox, whoever drives it (the daemon's queue, or a replay).
@Suite struct AlertProcessorTests {
    /// A person crossing from Syria into Iraq, seen by both test cameras, then heartbeats until
    /// the incident resolves.
    static let crossing = FrameScript(actors: [.init(objectClass: .person, fromM: -60, toM: 60, start: 1, seconds: 80)], until: 200).frames()

    static func processor(silences: [Silence] = []) -> AlertProcessor {
        AlertProcessor(
            engine: AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: AlertEngineTests.rules),
            gate: AlertGate(silences: silences))
    }

    /// Each frame as a batch of its own at its `ts`, the outbox taken after each; a tick every
    /// 500 ms of that time (the daemon's timer).
    static func drive(_ processor: inout AlertProcessor, _ frames: [FrameScript.Frame], until endMs: Int64 = .max, onTick: (Int64, AlertProcessor) -> Void = { _, _ in })
        -> [AlertMessage]
    {
        var out: [AlertMessage] = []
        var nextTick = frames[0].report.ts + AlertProcessor.expiryIntervalMs
        for frame in frames where frame.report.ts <= endMs {
            let now = frame.report.ts
            while nextTick <= now {
                processor.tick(nowMs: nextTick)
                onTick(nextTick, processor)
                nextTick += AlertProcessor.expiryIntervalMs
            }
            processor.process(ValidatedFrame(camera: frame.camera, report: frame.report), nowMs: now)
            processor.endBatch(nowMs: now)
            out += processor.takeOutbox()
        }
        return out
    }

    @Test func withoutSilencesItPassesWhatTheEngineMakes() {
        var processor = Self.processor()
        let alerts = Self.drive(&processor, Self.crossing)
        #expect(alerts.first?.state == .raised && alerts.last?.state == .resolved)
        #expect(alerts.first?.kind == "border_crossing")
        #expect(alerts == FrameScript.run(Self.crossing), "the engine alone, frame by frame, made the same messages")
        #expect(processor.visibleOpen.isEmpty, "resolved, so no longer open for consumers")
        #expect(processor.outbox.isEmpty)
    }

    @Test func aSilenceHoldsTheIncidentBackAndItsEndAtATickReleasesItAsRaised() {
        let start = Self.crossing[0].report.ts
        // Ends 60 s in: the person has crossed (raised, held back) and is still in view.
        var processor = Self.processor(silences: [Silence(id: "si-1", kind: "border_crossing", createdMs: 0, expiresMs: start + 60_000)])
        var released: [AlertMessage] = []
        let alerts = Self.drive(&processor, Self.crossing) { tick, after in
            if tick == start + 60_000 { released = after.outbox }
        }
        #expect(processor.gate.held >= 1)
        #expect(released.map(\.state) == [.raised], "released by the tick the silence ended at")
        #expect(alerts.first?.state == .raised && alerts.last?.state == .resolved)
        #expect(Set(alerts.map(\.id)).count == 1)
        #expect(processor.gate.silences.isEmpty)
    }

    @Test func removingASilenceReleasesTheOpenIncidentAtOnce() {
        let start = Self.crossing[0].report.ts
        var processor = Self.processor(silences: [Silence(id: "si-1", kind: "border_crossing", createdMs: 0, expiresMs: .max)])
        let held = Self.drive(&processor, Self.crossing, until: start + 60_000)
        #expect(held.isEmpty)
        #expect(processor.visibleOpen.isEmpty, "consumers have seen nothing")
        let stepsBefore = processor.steps
        #expect(processor.removeSilence(id: "nope", nowMs: start + 60_000) == (false, 0))
        #expect(processor.removeSilence(id: "si-1", nowMs: start + 60_000) == (true, 1))
        #expect(processor.steps == stepsBefore + 1)
        let shown = processor.takeOutbox()
        #expect(shown.map(\.state) == [.raised])
        #expect(processor.visibleOpen.keys.sorted() == shown.map(\.id))
    }
}
