import Testing
@testable import VigilCore

/// Per-camera order, duplicates, lateness and reboots, frame by frame.
@Suite struct FrameSequencerTests {
    static let t0: Int64 = 1_795_228_380_000

    struct Harness {
        var sequencer = FrameSequencer(cameraCount: 2, window: 64, maxLatenessMs: 2_000)
        var released: [FrameSequencer.Released] = []
        /// `seq` of every frame released so far, per camera, in release order.
        var order: [[UInt64]] = [[], []]

        /// Frame `seq` of `camera` captured at `t0 + ms`, arriving at wall time `t0 + wall` (default `ms`).
        @discardableResult
        mutating func send(_ seq: UInt64, at ms: Int64, camera: Int = 0, wall: Int64? = nil) -> FrameSequencer.Verdict {
            let report = FrameReport(camera: "cam-\(camera)", seq: seq, ts: t0 + ms, detections: [])
            let verdict = sequencer.admit(report, camera: camera, wallNowMs: t0 + (wall ?? ms), releasing: &released)
            collect()
            return verdict
        }

        mutating func tick(wall: Int64) {
            sequencer.releaseOverdue(wallNowMs: t0 + wall, releasing: &released)
            collect()
        }

        private mutating func collect() {
            for frame in released { order[frame.camera].append(frame.report.seq) }
            released.removeAll()
        }
    }

    @Test func aShortRunRestartedWithItsClockSetBackIsANewRun() {
        // A camera that sent only 20 heartbeats (fewer than a window) reboots with its clock a
        // minute behind: seq 0 again, older ts. Its new frames are a new run, not too late.
        var h = Harness()
        for seq in 0..<20 as Range<UInt64> { h.send(seq, at: 60_000 + Int64(seq) * 1_000) }
        #expect(h.send(0, at: 0, wall: 80_000) == .released)
        for seq in 1..<30 as Range<UInt64> { #expect(h.send(seq, at: Int64(seq) * 100, wall: 80_000 + Int64(seq) * 100) == .released) }
        #expect(h.order[0] == Array(0..<20) + Array(0..<30))
        #expect(h.sequencer.restarts == 1)
        // A frame of the current run that is merely late is still too late.
        #expect(h.send(35, at: 3_500, wall: 90_000) == .held)
        for seq in 36..<80 as Range<UInt64> { h.send(seq, at: Int64(seq) * 100, wall: 90_000) }
        if case .tooLate = h.send(31, at: 3_100, wall: 91_000) {} else { Issue.record("a late frame of the run is too late") }
    }

    @Test func framesInOrderAreReleasedAtOnce() {
        var h = Harness()
        for seq in 10..<20 as Range<UInt64> { #expect(h.send(seq, at: Int64(seq) * 100) == .released) }
        #expect(h.order[0] == Array(10..<20))
        #expect(h.sequencer.reordered == 0 && h.sequencer.heldCount == 0)
    }

    @Test func framesOutOfOrderWithinTheBoundAreReleasedInSeqOrder() {
        var h = Harness()
        h.send(1, at: 100)
        #expect(h.send(3, at: 300) == .held)
        #expect(h.send(4, at: 400) == .held)
        #expect(h.order[0] == [1])
        #expect(h.send(2, at: 200, wall: 450) == .released)
        #expect(h.order[0] == [1, 2, 3, 4])
        #expect(h.sequencer.reordered == 2 && h.sequencer.missing == 0 && h.sequencer.heldCount == 0)
    }

    @Test func aLostFrameIsGivenUpOnceItsCameraIsTheBoundPastIt() {
        var h = Harness()
        h.send(1, at: 100)
        // seq 2 is lost: 3 onwards wait until the camera is 2 s past frame 3.
        for seq in 3...22 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq) * 100) }
        #expect(h.order[0] == [1])
        h.send(23, at: 2_300)
        #expect(h.order[0] == [1] + Array(3...23))
        #expect(h.sequencer.missing == 1)
        // By then the lost frame would be too late anyway: refused, nothing processed out of order.
        #expect(h.send(2, at: 200, wall: 2_350) == .tooLate(behindMs: 2_100))
        #expect(h.order[0].count == 22)
    }

    @Test func aCameraThatGoesQuietAfterAGapIsReleasedByTheWallClock() {
        var h = Harness()
        h.send(1, at: 100)
        h.send(3, at: 300)
        h.tick(wall: 1_000)
        #expect(h.order[0] == [1])
        h.tick(wall: 2_300)
        #expect(h.order[0] == [1, 3])
        #expect(h.sequencer.heldCount == 0)
        // The missing frame turns up after its turn: refused, though within the bound of its camera.
        #expect(h.send(2, at: 200, wall: 2_400) == .missedTurn(releasedSeq: 3))
        #expect(h.order[0] == [1, 3])
    }

    @Test func aQuietCameraDoesNotHoldBackAnother() {
        var h = Harness()
        h.send(1, at: 100, camera: 0)
        h.send(3, at: 300, camera: 0)  // camera 0 waits for its seq 2...
        for seq in 1...5 as ClosedRange<UInt64> { #expect(h.send(seq, at: Int64(seq) * 100, camera: 1) == .released) }
        #expect(h.order[1] == [1, 2, 3, 4, 5])  // ...camera 1 does not
        #expect(h.order[0] == [1])
    }

    @Test func framesFromBeforeTheFirstOneSeenAreProcessedAsTheyCome() {
        var h = Harness()
        h.send(3, at: 300)  // the daemon starts while frames 1-3 are in flight out of order
        #expect(h.send(1, at: 100) == .released)
        #expect(h.send(2, at: 200) == .released)
        #expect(h.send(4, at: 400) == .released)
        #expect(h.order[0] == [3, 1, 2, 4])
    }

    @Test func duplicatesOfReleasedAndHeldFramesAreDropped() {
        var h = Harness()
        h.send(1, at: 100)
        #expect(h.send(1, at: 100) == .duplicate)
        h.send(3, at: 300)
        #expect(h.send(3, at: 300) == .duplicate)
        h.send(2, at: 200)
        #expect(h.order[0] == [1, 2, 3])
    }

    @Test func framesFurtherBehindThanTheBoundAreTooLate() {
        var h = Harness()
        h.send(100, at: 10_000)
        #expect(h.send(60, at: 6_000) == .tooLate(behindMs: 4_000))
    }

    @Test func aRebootStartsANewRunAndReleasesTheOldRunsHeldFramesFirst() {
        var h = Harness()
        for seq in 500...510 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq) * 100) }
        h.send(512, at: 51_200)  // waits for 511, which never comes
        // The camera reboots: seq 1 arrives before seq 0, both newer than anything released.
        #expect(h.send(1, at: 52_000) == .held)
        #expect(h.order[0].suffix(2) == [510, 512])
        #expect(h.send(0, at: 51_900) == .released)
        #expect(h.send(2, at: 52_100) == .released)
        #expect(Array(h.order[0].suffix(4)) == [512, 0, 1, 2])
        #expect(h.sequencer.restarts == 1)
    }

    @Test func aRebootWithTheClockSetBackStartsTheCamerasProgressAgain() {
        var h = Harness()
        for seq in 1_000...1_010 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq) * 100) }
        #expect(h.send(0, at: 50_000) == .released)
        #expect(h.send(1, at: 50_100) == .released)
        #expect(h.sequencer.restarts == 1)
        #expect(h.sequencer.newestTs(camera: 0) == Self.t0 + 50_100)
    }

    @Test func missingFramesAreCountedPerCamera() {
        var h = Harness()
        // Camera 0 loses seq 2 (given up once it is 2 s past frame 3) and 6-8 (given up by the
        // wall clock: the camera goes quiet after seq 9).
        h.send(1, at: 100)
        for seq in 3...25 as ClosedRange<UInt64> where !(6...8).contains(seq) { h.send(seq, at: Int64(seq) * 100) }
        #expect(h.sequencer.missingByCamera == [1, 0])
        h.tick(wall: 4_600)
        #expect(h.sequencer.missingByCamera == [4, 0])
        // Camera 1 loses 11-15; 17 and 18 arrive before 16, a reordering, not a loss.
        for seq in [10, 16, 18, 17, 19] as [UInt64] { h.send(seq, at: Int64(seq) * 100, camera: 1, wall: 5_000) }
        h.tick(wall: 7_000)
        #expect(h.order[1] == [10, 16, 17, 18, 19])
        #expect(h.sequencer.missingByCamera == [4, 5])
        #expect(h.sequencer.missing == 9)
        // A frame given up that turns up after all is refused, and stays counted.
        #expect(h.send(12, at: 1_200, camera: 1, wall: 7_100) == .missedTurn(releasedSeq: 19))
        #expect(h.sequencer.missingByCamera == [4, 5])
    }

    @Test func aRebootIsNotCountedMissing() {
        var h = Harness()
        // Reboots of every kind: seq 0 again with a newer ts (here seq 1 before seq 0)...
        for seq in 500...510 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq) * 100) }
        h.send(1, at: 52_000)
        h.send(0, at: 51_900)
        h.send(2, at: 52_100)
        // ...with the clock set back...
        for seq in 1_000...1_010 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq) * 100, camera: 1) }
        h.send(0, at: 50_000, camera: 1)
        h.send(1, at: 50_100, camera: 1)
        // ...and a short run that reboots with its clock set back.
        for seq in 3...10 as ClosedRange<UInt64> { h.send(seq, at: 52_000 + Int64(seq) * 100) }
        h.send(0, at: 1_000, wall: 60_000)
        h.send(1, at: 1_100, wall: 60_100)
        h.tick(wall: 70_000)
        #expect(h.order[0] == Array(500...510) + Array(0...10) + [0, 1])
        #expect(h.order[1] == Array(1_000...1_010) + [0, 1])
        #expect(h.sequencer.restarts == 3)
        #expect(h.sequencer.missingByCamera == [0, 0])
        #expect(h.sequencer.missing == 0)
    }

    @Test func aGapTheOldRunLeftOpenAtARebootIsMissingButTheRebootIsNot() {
        var h = Harness()
        for seq in 500...510 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq) * 100) }
        h.send(513, at: 51_300)  // waits for 511 and 512, which never come
        h.send(0, at: 52_000)  // the camera reboots: the old run's gap will never fill
        h.send(1, at: 52_100)
        #expect(h.order[0].suffix(3) == [513, 0, 1])
        #expect(h.sequencer.restarts == 1)
        #expect(h.sequencer.missingByCamera == [2, 0])
    }

    @Test func duplicatesAreNotCountedMissing() {
        var h = Harness()
        h.send(1, at: 100)
        h.send(1, at: 100)
        h.send(3, at: 300)
        h.send(3, at: 300)  // a duplicate of a held frame
        h.send(2, at: 200)
        h.send(2, at: 200)
        h.send(5, at: 500)  // 4 is lost...
        h.tick(wall: 3_000)
        #expect(h.send(5, at: 500, wall: 3_100) == .duplicate)  // ...and a retry of 5 comes after it was given up
        for seq in 6...8 as ClosedRange<UInt64> {
            h.send(seq, at: Int64(seq) * 100, camera: 1)
            #expect(h.send(seq, at: Int64(seq) * 100, camera: 1) == .duplicate)
        }
        #expect(h.order == [[1, 2, 3, 5], [6, 7, 8]])
        #expect(h.sequencer.missingByCamera == [1, 0])
    }

    @Test func heldFramesAreBoundedByTheWindow() {
        var h = Harness()
        h.send(1, at: 0)
        // seq 2 lost; 65 more frames within the bound in event time (1 ms apart) exceed the window of 64.
        for seq in 3...67 as ClosedRange<UInt64> { h.send(seq, at: Int64(seq)) }
        #expect(h.sequencer.heldCount <= 64)
        #expect(h.order[0].first == 1 && h.order[0].count > 1)
        #expect(h.order[0] == h.order[0].sorted())
    }
}
