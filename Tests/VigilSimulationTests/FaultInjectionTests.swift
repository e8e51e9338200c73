import Testing
import VigilConfig
import VigilCore
import VigilSimulation

/// The `faults:` of a scenario: each fault is visible in the frames sent, drawn reproducibly from
/// the seed, and none of them changes the ground truth.
@Suite struct FaultInjectionTests {
    /// The lone Rabia crossing with `faults` instead of none.
    private func rabia(_ faults: Faults) throws -> Scenario {
        var scenario = try Fixtures.scenario("rabia-lone-crossing")
        scenario.faults = faults
        return scenario
    }

    /// `camera/seq`, which identifies a frame while a camera runs.
    private func key(_ frame: SimulatedFrame) -> String { "\(frame.report.camera)/\(frame.report.seq)" }

    /// The frames of the lone crossing without faults, by `camera/seq`.
    private func cleanFrames() throws -> [String: SimulatedFrame] {
        let frames = Fixtures.frames(try Fixtures.scenario("rabia-lone-crossing"), try Fixtures.world(), epochMs: 1_800_000_000_000)
        return Dictionary(uniqueKeysWithValues: frames.map { (key($0), $0) })
    }

    private func frames(_ faults: Faults) throws -> (frames: [SimulatedFrame], simulator: Simulator) {
        var simulator = Simulator(scenario: try rabia(faults), world: try Fixtures.world(), epochMs: 1_800_000_000_000)
        var frames: [SimulatedFrame] = []
        while let frame = simulator.next() { frames.append(frame) }
        return (frames, simulator)
    }

    @Test func rabiaFaultsLoadsItsFaultsAndKeepsTheLoneCrossingsGroundTruth() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-faults")
        #expect(
            scenario.faults
                == Faults(duplicate: 0.2, reorderMs: 500, drop: 0.1, clockSkewMs: ["cam-rabia-17": -2000], trackSwitchS: 8, rebootAtS: [60]))
        var faulty = Simulator(scenario: scenario, world: world, epochMs: 1_000)
        var clean = Simulator(scenario: try Fixtures.scenario("rabia-lone-crossing"), world: world, epochMs: 1_000)
        while faulty.next() != nil {}
        while clean.next() != nil {}
        #expect(faulty.groundTruth == clean.groundTruth)
        #expect(faulty.groundTruth.events.count == 1)
        #expect(faulty.duration == clean.duration)
        #expect(faulty.droppedFrames > 0 && faulty.duplicatedFrames > 0)
    }

    @Test func faultsAreReproducibleFromTheSeed() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-faults")
        let first = Fixtures.frames(scenario, world).map { FrameWriter.payload($0.report) }
        let second = Fixtures.frames(scenario, world).map { FrameWriter.payload($0.report) }
        #expect(first == second)
        var reseeded = scenario
        reseeded.seed = 8
        #expect(Fixtures.frames(reseeded, world).map { FrameWriter.payload($0.report) } != first)
    }

    @Test func withoutFaultsTheFramesAreUnchanged() throws {
        let world = try Fixtures.world()
        var scenario = try Fixtures.scenario("rabia-faults")
        scenario.faults = .none
        let plain = Fixtures.frames(scenario, world).map { FrameWriter.payload($0.report) }
        let lone = Fixtures.frames(try Fixtures.scenario("rabia-lone-crossing"), world).map { FrameWriter.payload($0.report) }
        #expect(plain == lone)
        #expect(Fixtures.frames(scenario, world).allSatisfy { $0.sendTime == $0.scenarioTime })
    }

    @Test func duplicatesAreByteIdentical() throws {
        let (frames, simulator) = try frames(Faults(duplicate: 0.3))
        let clean = try cleanFrames()
        var copies: [String: [[UInt8]]] = [:]
        for frame in frames { copies[key(frame), default: []].append(FrameWriter.payload(frame.report)) }
        #expect(copies.count == clean.count)
        #expect(copies.values.allSatisfy { $0.count == 1 || ($0.count == 2 && $0[0] == $0[1]) })
        let doubled = copies.values.filter { $0.count == 2 }.count
        #expect(doubled == simulator.duplicatedFrames)
        #expect(frames.count == clean.count + doubled)
        let share = Double(doubled) / Double(clean.count)
        #expect((0.27...0.33).contains(share), "duplicated \(share)")
        // Without reordering a copy goes out right after its original.
        for (index, frame) in frames.enumerated().dropFirst() where key(frame) == key(frames[index - 1]) {
            #expect(FrameWriter.payload(frame.report) == FrameWriter.payload(clean[key(frame)]!.report))
        }
    }

    @Test func droppedFramesLeaveSeqGaps() throws {
        let (frames, simulator) = try frames(Faults(drop: 0.2))
        let clean = try cleanFrames()
        #expect(frames.count == clean.count - simulator.droppedFrames)
        let share = Double(simulator.droppedFrames) / Double(clean.count)
        #expect((0.17...0.23).contains(share), "dropped \(share)")
        var last: [String: UInt64] = [:]
        var gaps = 0
        for frame in frames {
            // What is sent is exactly what the camera took.
            #expect(FrameWriter.payload(frame.report) == FrameWriter.payload(clean[key(frame)]!.report))
            if let previous = last[frame.report.camera] {
                #expect(frame.report.seq > previous)
                if frame.report.seq > previous + 1 { gaps += 1 }
            }
            last[frame.report.camera] = frame.report.seq
        }
        #expect(gaps > 100)
    }

    @Test func aRebootRestartsSeqAndChangesTrackIDs() throws {
        let (frames, _) = try frames(Faults(rebootAtS: [60]))
        var restarts: [String: Int] = [:]
        var last: [String: SimulatedFrame] = [:]
        for frame in frames {
            let camera = frame.report.camera
            if let previous = last[camera] {
                if frame.report.seq == 0 {
                    restarts[camera, default: 0] += 1
                    #expect(previous.scenarioTime < 60 && frame.scenarioTime >= 60)
                    #expect(frame.report.ts > previous.report.ts)
                } else {
                    #expect(frame.report.seq == previous.report.seq + 1)
                }
            }
            last[camera] = frame
        }
        #expect(restarts.count == 32 && restarts.values.allSatisfy { $0 == 1 })
        // The walker is in view across the reboot, under other ids after it.
        var seen = 0
        for camera in Set(frames.map(\.report.camera)) {
            func tracks(_ times: Range<Double>) -> Set<UInt32> {
                let mine = frames.filter { $0.report.camera == camera && times.contains($0.scenarioTime) }
                return Set(mine.flatMap { $0.report.detections.map(\.track) })
            }
            let before = tracks(55..<60), after = tracks(60..<65)
            #expect(before.isDisjoint(with: after), "\(camera)")
            if !before.isEmpty && !after.isEmpty { seen += 1 }
        }
        #expect(seen >= 1)
    }

    @Test func trackersSwitchTrackIDsAndNothingElse() throws {
        let (frames, _) = try frames(Faults(trackSwitchS: 8))
        let clean = try cleanFrames()
        #expect(frames.count == clean.count)
        var switched = 0, cleanTracks = 0
        for camera in Set(frames.map(\.report.camera)) {
            let mine = frames.filter { $0.report.camera == camera }
            switched += Set(mine.flatMap { $0.report.detections.map(\.track) }).count
            cleanTracks += Set(mine.flatMap { clean[key($0)]!.report.detections.map(\.track) }).count
        }
        // About 8 switches per camera over the ~60-100 s each one sees the walker.
        #expect(switched >= cleanTracks + 10, "\(switched) track ids against \(cleanTracks)")
        for frame in frames {
            var expected = clean[key(frame)]!.report
            #expect(expected.detections.count == frame.report.detections.count)
            for index in expected.detections.indices { expected.detections[index].track = frame.report.detections[index].track }
            #expect(FrameWriter.payload(expected) == FrameWriter.payload(frame.report))
        }
    }

    @Test func clockSkewOffsetsOneCamerasTs() throws {
        let (frames, _) = try frames(Faults(clockSkewMs: ["cam-rabia-17": -2000, "cam-rabia-0": 1500]))
        let clean = try cleanFrames()
        #expect(frames.count == clean.count)
        for frame in frames {
            let camera = frame.report.camera
            let skew: Int64 = camera == "cam-rabia-17" ? -2000 : camera.hasPrefix("cam-rabia-0") ? 1500 : 0
            #expect(frame.report.ts == clean[key(frame)]!.report.ts + skew, "\(camera)")
        }
    }

    @Test func reorderingStaysWithinTheWindow() throws {
        let (frames, _) = try frames(Faults(reorderMs: 500))
        let clean = try cleanFrames()
        #expect(frames.count == clean.count)
        #expect(Set(frames.map(key)).count == clean.count)
        var outOfOrder = 0
        var newest: [String: SimulatedFrame] = [:]
        for (index, frame) in frames.enumerated() {
            #expect(frame.sendTime >= frame.scenarioTime && frame.sendTime < frame.scenarioTime + 0.5)
            if index > 0 { #expect(frame.sendTime >= frames[index - 1].sendTime) }
            #expect(FrameWriter.payload(frame.report) == FrameWriter.payload(clean[key(frame)]!.report))
            let camera = frame.report.camera
            if let latest = newest[camera], frame.report.seq < latest.report.seq {
                outOfOrder += 1
                #expect(latest.report.ts - frame.report.ts < 500)
            } else {
                newest[camera] = frame
            }
        }
        #expect(outOfOrder > 1_000, "\(outOfOrder) frames behind a newer one of their camera")
    }

    @Test func faultsAreReadStrictly() throws {
        let world = try Fixtures.world()
        func load(_ faults: String) throws(ConfigError) -> Scenario {
            try Scenario.parse(
                """
                name: f
                cameras: [cam-rabia-]
                faults: \(faults)
                actors:
                  - {id: p1, class: person, speed_mps: 1.5, path: {cross: {km: 558.0, from: SY, to: IQ}}}
                """, file: "f.yaml", world: world)
        }
        #expect(try load("{}").faults == .none)
        #expect(try load("{drop: 0.5, reboot_at_s: [90, 30]}").faults == Faults(drop: 0.5, rebootAtS: [30, 90]))
        #expect(try load("{clock_skew_ms: {cam-rabia-1: 300}}").faults.skewMs(of: "cam-rabia-17") == 300)
        #expect(try load("{clock_skew_ms: {cam-rabia-1: 300, cam-rabia-17: -40}}").faults.skewMs(of: "cam-rabia-17") == -40)
        let problems: [(String, String)] = [
            ("{dupe: 0.2}", "faults.dupe"),
            ("{reorder_ms: 3000}", "faults.reorder_ms"),
            ("{drop: 1}", "faults.drop"),
            ("{duplicate: -0.1}", "faults.duplicate"),
            ("{clock_skew_ms: {cam-rabia-17: 5000}}", "faults.clock_skew_ms.cam-rabia-17"),
            ("{clock_skew_ms: {cam-nowhere: 100}}", "faults.clock_skew_ms.cam-nowhere"),
            ("{reboot_at_s: [-1]}", "faults.reboot_at_s[0]"),
        ]
        for (faults, key) in problems {
            do {
                _ = try load(faults)
                Issue.record("\(faults) was accepted")
            } catch {
                #expect(error.key == key, "\(error)")
            }
        }
        do {
            _ = try load("{clock_skew_ms: {cam-nowhere: 100}}")
        } catch {
            #expect(error.message == "no registered camera id starts with \"cam-nowhere\"")
        }
    }
}
