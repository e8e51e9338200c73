import Testing
@testable import VigilCore

/// What a hostile gateway can send inside the contract (`seq` any unsigned 64-bit integer, `ts`
/// any epoch time the parser takes) meets no arithmetic that traps in the sequencer or the
/// engine, and every counter stays true.
@Suite struct HostileFramesTests {
    typealias Harness = FrameSequencerTests.Harness

    @Test func theSequenceThatStoppedTheDaemonIsRefusedFrameByFrame() {
        // The report of issue 12: a frame, then `seq` near 2^64 (the gap was counted missing,
        // ~1.8e19), then another jump (the counter overflowed and the daemon stopped).
        var h = Harness()
        #expect(h.send(0, at: 0) == .released)
        let wild: [UInt64] = [.max, .max - 1, 1 << 63, (1 << 63) + 7, .max / 3, 1 << 40]
        for (i, seq) in wild.enumerated() {
            let verdict = h.send(seq, at: 100 * Int64(i + 1))
            guard case .seqJump(let expected, _) = verdict else {
                Issue.record("seq \(seq): \(verdict)")
                continue
            }
            #expect(expected == 1)
        }
        #expect(h.sequencer.missing == 0 && h.sequencer.missingByCamera == [0, 0])
        #expect(h.sequencer.jumps == 6)
        // The camera's own run goes on untouched.
        #expect(h.send(1, at: 1_000) == .released)
        #expect(h.send(2, at: 1_100) == .released)
        #expect(h.order[0] == [0, 1, 2])
    }

    @Test func aGapTheCameraCouldHaveShotIsMissingFramesAndNoMore() {
        // Off the air for an hour at 10 frames a second: 36,000 frames lost on the way, a gap
        // that fits the time (1,000 frames a second at most): held, given up, counted exactly.
        var h = Harness()
        h.send(0, at: 0)
        #expect(h.send(36_000, at: 3_600_000) == .held)
        h.tick(wall: 3_600_000 + 2_000)
        #expect(h.order[0] == [0, 36_000])
        #expect(h.sequencer.missing == 35_999)
        // The same step a second after the last frame is a wild jump.
        var quick = Harness()
        quick.send(0, at: 0)
        if case .seqJump = quick.send(36_000, at: 1_000) {} else { Issue.record("36,000 frames in a second") }
    }

    @Test func aCameraThatRenumbersItsFramesIsFollowedAfterOneFrame() {
        // A gateway that renumbered without a reboot: the first frame of the new numbering is
        // refused, the next one that continues it starts a new run there.
        var h = Harness()
        for seq in 0..<5 as Range<UInt64> { h.send(seq, at: Int64(seq) * 100) }
        if case .seqJump = h.send(9_000_000_000, at: 500) {} else { Issue.record("the jump was taken") }
        #expect(h.send(9_000_000_001, at: 600) == .released)
        #expect(h.send(9_000_000_002, at: 700) == .released)
        #expect(h.order[0] == [0, 1, 2, 3, 4, 9_000_000_001, 9_000_000_002])
        #expect(h.sequencer.missing == 0 && h.sequencer.restarts == 1)
    }

    @Test func aSeqHeldTwiceWithTwoTimesIsANewRunNotAGapOfTwoToTheSixtyFour() {
        // Found by the mix below: seq 2 held with one `ts`, then seq 2 again with another; the
        // second was held behind the first and its "gap" came to 2^64 - 1.
        var h = Harness()
        h.send(0, at: 0)
        #expect(h.send(2, at: 2_200) == .held)
        #expect(h.send(2, at: 200) == .held)
        h.tick(wall: 10_000)
        // The old run gave up seq 1; the new one, seq 0 and 1 before its first frame.
        #expect(h.sequencer.missing == 3 && h.sequencer.restarts == 1)
        #expect(h.order[0] == [0, 2, 2])
    }

    @Test func aCounterAtTheTopWrapsIntoTheNextFrameWithoutATrap() {
        var h = Harness()
        #expect(h.send(.max - 1, at: 0) == .released)
        #expect(h.send(.max, at: 100) == .released)
        #expect(h.send(0, at: 200) == .released)
        #expect(h.send(1, at: 300) == .released)
        #expect(h.order[0] == [.max - 1, .max, 0, 1])
    }

    @Test func rebootsDuplicatesAndJumpsInAnyMixNeverTrap() {
        // Every pair of extreme values, in both orders, on one camera; the other camera's frames
        // go on in order all the while and are all released.
        let seqs: [UInt64] = [0, 1, 2, 63, 64, 65, 1 << 32, 1 << 63, .max - 64, .max - 1, .max]
        let times: [Int64] = [-2_000, 0, 1, 2_000, 3_600_000, 86_400_000]
        var h = Harness()
        var other: UInt64 = 0
        var ms: Int64 = 0
        for a in seqs {
            for b in seqs {
                for t in times {
                    ms += 10
                    h.send(a, at: ms + t)
                    h.send(b, at: ms)
                    h.send(other, at: ms, camera: 1)
                    other += 1
                }
            }
        }
        h.tick(wall: ms + 100_000)
        #expect(h.order[1] == Array(0..<other))
        #expect(h.sequencer.missingByCamera[1] == 0)
        #expect(h.sequencer.missing < 100_000_000, "missing counts only what could have been shot: \(h.sequencer.missing)")
    }

    @Test func aTsDecadesAwayFromTheClockIsABadValueAndTheWallClockCannotTrap() {
        var h = AlertEngineTests.Harness()
        var alerts: [AlertMessage] = []
        for ts in [Int64.min, -1, 0, 1_000_000_000_000, h.t0 - 366 * 86_400_000] {
            let report = FrameReport(camera: "cam-a", seq: 1, ts: ts, detections: [])
            guard case .rejected(let error) = h.engine.process(report, camera: 0, wallNowMs: h.t0, into: &alerts) else {
                Issue.record("ts \(ts) was accepted")
                continue
            }
            #expect(error.reason == .badValue, "\(error)")
        }
        // A backlog of a week is real data.
        let week = FrameReport(camera: "cam-a", seq: 1, ts: h.t0 - 7 * 86_400_000, detections: [])
        #expect(h.engine.process(week, camera: 0, wallNowMs: h.t0, into: &alerts) == .accepted)
        // Wall clocks from a damaged capture, at both ends of the range.
        let walls: [Int64] = [.max, .min, 0, 1 << 62]
        for wall in walls {
            let report = FrameReport(camera: "cam-b", seq: 5, ts: 1 << 53, detections: [])
            _ = h.engine.process(report, camera: 1, wallNowMs: wall, into: &alerts)
            h.engine.expire(wallNowMs: wall, into: &alerts)
        }
        #expect(h.engine.stats.framesMissing == 0)
    }

    @Test func positionsAtTheEdgesOfTheGlobeAndTheLargestTrackIDsAreJustTargets() {
        var h = AlertEngineTests.Harness()
        let corners: [(Double, Double)] = [(90, 180), (-90, -180), (90, -180), (0, 0), (36.5, 179.999_999), (89.999_999, 42), (36.5, 42)]
        for step in 0..<40 {
            let detections = corners.enumerated().map { (i, corner) in
                (track: UInt32.max - UInt32(i), ObjectClass.allCases[i % 4], GeoPoint(lat: corner.0, lon: corner.1))
            }
            #expect(h.frame(camera: step % 2, at: Double(step) * 0.1, detections) == .accepted)
        }
        h.frame(camera: 0, at: 100, [])
        h.frame(camera: 1, at: 100, [])
        #expect(h.engine.stats.targetsActive == 0, "all resolved by event time")
    }

    @Test func saturatingArithmeticStopsAtTheBounds() {
        #expect(UInt64.max.addingSaturating(1) == .max)
        #expect(UInt64(0).subtractingSaturating(1) == 0)
        #expect(Int64.max.addingSaturating(1) == .max)
        #expect(Int64.min.addingSaturating(-1) == .min)
        #expect(Int64.min.subtractingSaturating(1) == .min)
        #expect(Int64.max.subtractingSaturating(-1) == .max)
        #expect(Int64.max.multipliedSaturating(by: -2) == .min)
        #expect(UInt64(1 << 40).multipliedSaturating(by: 1 << 40) == .max)
        #expect(Int64(-5).clamped(to: 0...10) == 0)
    }
}
