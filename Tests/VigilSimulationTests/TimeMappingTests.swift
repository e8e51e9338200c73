import Testing
import VigilSimulation

/// Event time never lies ahead of the wall clock, in every mode.
@Suite struct TimeMappingTests {
    private let wallStartMs: Int64 = 1_795_228_387_250

    @Test(arguments: [1.0, 1.5, 2, 20, 100, 1_000, 100_000])
    func acceleratedEventTimeNeverExceedsTheWallClock(speed: Double) {
        let duration = 180.4
        let mapping = TimeMapping.accelerated(speed: speed, duration: duration, wallStartMs: wallStartMs)
        var s = 0.0, ahead: [Double] = []
        while s <= duration {
            if Double(mapping.eventTimeMs(at: s)) > mapping.dueWallMs(at: s) { ahead.append(s) }
            s += 0.013
        }
        #expect(ahead.isEmpty, "ts ahead of the wall clock at scenario times \(ahead.prefix(5))")
        // At the end, event time has caught up with the wall clock (within a millisecond).
        #expect(abs(Double(mapping.eventTimeMs(at: duration)) - mapping.dueWallMs(at: duration)) <= 1)
        // Event time runs at one second per scenario second.
        #expect(mapping.eventTimeMs(at: 10) - mapping.eventTimeMs(at: 0) == 10_000)
    }

    @Test func realTimeStartsNow() {
        let mapping = TimeMapping.realTime(wallStartMs: wallStartMs)
        #expect(mapping.epochMs == wallStartMs)
        #expect(mapping.eventTimeMs(at: 1.2345) == wallStartMs + 1_234)
        #expect(mapping.dueWallMs(at: 1.2345) == Double(wallStartMs) + 1_234.5)
        #expect(TimeMapping.accelerated(speed: 1, duration: 100, wallStartMs: wallStartMs) == mapping)
    }

    @Test func acceleratedStartsInThePast() {
        let mapping = TimeMapping.accelerated(speed: 20, duration: 180, wallStartMs: wallStartMs)
        #expect(mapping.epochMs == wallStartMs - 171_000)  // D·(1 − 1/X) = 180 · 0.95
    }

    @Test func simulatedFramesUnderAnAcceleratedMappingAreNeverAhead() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-lone-crossing")
        let duration = Simulator(scenario: scenario, world: world).duration
        let mapping = TimeMapping.accelerated(speed: 20, duration: duration, wallStartMs: wallStartMs)
        let frames = Fixtures.frames(scenario, world, epochMs: mapping.epochMs)
        #expect(frames.allSatisfy { $0.report.ts == mapping.eventTimeMs(at: $0.scenarioTime) })
        #expect(frames.allSatisfy { Double($0.report.ts) <= mapping.dueWallMs(at: $0.scenarioTime) })
    }

    @Test func loadSpanBoundsThePlayedScenarioTime() {
        // 320 frames per scenario second (32 cameras at 10 fps).
        #expect(TimeMapping.loadSpan(framesPerSecond: 320, rate: 0, duration: nil, count: 32_000) == 101)
        #expect(TimeMapping.loadSpan(framesPerSecond: 320, rate: 3_200, duration: 10, count: nil) == 101)
        #expect(TimeMapping.loadSpan(framesPerSecond: 320, rate: 3_200, duration: 10, count: 320) == 2)
        #expect(TimeMapping.loadSpan(framesPerSecond: 320, rate: 0, duration: 1, count: nil) == 20_000_000 / 320 + 1)
        let mapping = TimeMapping.load(span: 101, wallStartMs: wallStartMs)
        #expect(mapping.epochMs == wallStartMs - 101_000)
        #expect(mapping.speed.isInfinite)
    }
}
