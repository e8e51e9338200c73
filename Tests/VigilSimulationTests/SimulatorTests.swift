import Testing
import VigilCore
import VigilSimulation

/// The frame generator, without sockets: sequence numbers, tracks, groups, noise, order, seeds.
@Suite struct SimulatorTests {
    /// One actor on the synthetic world, with no noise and no tail unless given.
    private func scenario(_ actors: [ActorSpec], noiseM: Double = 0, tailS: Double = 0, seed: UInt64 = 1) -> Scenario {
        Scenario(name: "synthetic", fps: 10, noiseM: noiseM, tailS: tailS, seed: seed, actors: actors)
    }

    @Test func seqStartsAtZeroAndGrowsByOnePerFramePerCamera() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-lone-crossing")
        let simulator = Simulator(scenario: scenario, world: world)
        #expect(simulator.cameras.count == 32)
        #expect(simulator.cameras.allSatisfy { $0.id.hasPrefix("cam-rabia-") })
        var nextSeq: [String: UInt64] = [:]
        var lastTs: [String: Int64] = [:]
        var lastTime = -1.0
        let frames = Fixtures.frames(scenario, world, epochMs: 1_800_000_000_000)
        var problems: [String] = []
        for frame in frames {
            let camera = frame.report.camera
            if frame.report.seq != nextSeq[camera, default: 0] { problems.append("\(camera) seq \(frame.report.seq)") }
            nextSeq[camera] = frame.report.seq + 1
            if let previous = lastTs[camera], !(99...101).contains(frame.report.ts - previous) {
                problems.append("\(camera) ts step \(frame.report.ts - previous) ms at 10 fps")
            }
            lastTs[camera] = frame.report.ts
            if frame.scenarioTime < lastTime { problems.append("\(camera) out of event-time order at \(frame.scenarioTime)") }
            lastTime = frame.scenarioTime
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first \(problems.prefix(3))")
        #expect(frames.count == simulator.framesPerPass)
        #expect(nextSeq.count == 32)
        #expect(nextSeq.values.allSatisfy { $0 == UInt64(simulator.framesPerCamera) })
        #expect(frames.last!.scenarioTime < simulator.duration)
    }

    @Test func rabiaCrossingIsSeenByAtLeastTwoCameras() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-lone-crossing")
        let simulator = Simulator(scenario: scenario, world: world)
        let crossing = try #require(simulator.events.first { if case .crossed = $0.kind { true } else { false } })
        #expect(crossing.kind == .crossed(from: "SY", to: "IQ", km: crossing.kindKm))
        #expect(abs(crossing.kindKm - 558.0) < 0.01)
        #expect(abs(crossing.time - (2 + 60 / 1.5)) < 0.05)

        // In the frames: the cameras that report the walker within 5 s of the crossing.
        let frames = Fixtures.frames(scenario, world)
        let near = frames.filter { abs($0.scenarioTime - crossing.time) <= 5 && !$0.report.detections.isEmpty }
        let cameras = Set(near.map(\.report.camera))
        #expect(cameras.count >= 2, "seen by \(cameras.sorted())")
        #expect(cameras.isSubset(of: ["cam-rabia-16", "cam-rabia-17", "cam-rabia-18"]))
        // Overlapping cameras report the same person under their own track ids.
        let tracks = Set(near.flatMap { frame in frame.report.detections.map { "\(frame.report.camera)/\($0.track)" } })
        #expect(tracks.count == cameras.count)
        #expect(Set(near.flatMap { $0.report.detections.map(\.track) }).count == cameras.count)
        // Everyone else only sends heartbeats.
        let reporting = Set(frames.filter { !$0.report.detections.isEmpty }.map(\.report.camera))
        #expect(reporting == ["cam-rabia-16", "cam-rabia-17", "cam-rabia-18"])
    }

    @Test func trackIdIsStableInViewAndNewOnReEntry() throws {
        // 300 m north of the mast (in view), out to 1,500 m (beyond the 1 km range), and back.
        let inView = Fixtures.nearMast(north: 300), outOfRange = Fixtures.nearMast(north: 1_500)
        let actor = ActorSpec(id: "p", objectClass: .person, speedMps: 100, path: .waypoints([inView, outOfRange, inView]))
        let frames = Fixtures.frames(scenario([actor]), Fixtures.synthetic)
        // Runs of consecutive frames in which the person is seen, with the track ids of each run.
        var runs: [[UInt32]] = []
        var seen = false
        for frame in frames {
            if let detection = frame.report.detections.first {
                if !seen { runs.append([]) }
                runs[runs.count - 1].append(detection.track)
                seen = true
            } else {
                seen = false
            }
        }
        #expect(runs.count == 2, "in view, out of range, in view again")
        #expect(runs.allSatisfy { Set($0).count == 1 }, "one track id per stay in view")
        #expect(runs.allSatisfy { $0.count > 20 })
        #expect(runs[0][0] != runs[1][0], "a new track id after re-entry")
        #expect(runs[1][0] == runs[0][0] &+ 1, "the tracker's counter moves on by one")
    }

    @Test func groupOfNYieldsNDistinctTracksInOneCamera() throws {
        let spot = Fixtures.nearMast(north: 400)
        let herd = ActorSpec(id: "herd", objectClass: .animal, count: 9, spreadM: 10, speedMps: 1, dwellS: 5, path: .waypoints([spot]))
        let frames = Fixtures.frames(scenario([herd]), Fixtures.synthetic)
        let full = try #require(frames.first { !$0.report.detections.isEmpty })
        #expect(full.report.detections.count == 9)
        #expect(Set(full.report.detections.map(\.track)).count == 9)
        #expect(full.report.detections.allSatisfy { $0.objectClass == .animal })
        // The same nine tracks, frame after frame.
        let all = Set(frames.flatMap { $0.report.detections.map(\.track) })
        #expect(all == Set(full.report.detections.map(\.track)))
        // Members stand at least half a spread apart.
        let plane = LocalPlane(origin: spot)
        let points = full.report.detections.map { plane.project($0.position) }
        for i in points.indices {
            for j in points.indices where j > i { #expect((points[i] - points[j]).length >= 5) }
        }
    }

    @Test func noiseHasTheConfiguredSpreadAndConfTheConfiguredJitter() throws {
        let spot = Fixtures.nearMast(north: 500)
        let still = ActorSpec(id: "s", objectClass: .person, speedMps: 1, dwellS: 400, conf: 0.98, tempC: 36.6, path: .waypoints([spot]))
        let frames = Fixtures.frames(scenario([still], noiseM: 3), Fixtures.synthetic)
        let detections = frames.flatMap(\.report.detections)
        #expect(detections.count == 4_000)
        let plane = LocalPlane(origin: spot)
        let offsets = detections.map { plane.project($0.position) }
        let meanX = offsets.map(\.x).reduce(0, +) / Double(offsets.count)
        let meanY = offsets.map(\.y).reduce(0, +) / Double(offsets.count)
        let sigmaX = (offsets.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +) / Double(offsets.count)).squareRoot()
        let sigmaY = (offsets.map { ($0.y - meanY) * ($0.y - meanY) }.reduce(0, +) / Double(offsets.count)).squareRoot()
        #expect(abs(meanX) < 0.3 && abs(meanY) < 0.3)
        #expect(abs(sigmaX - 3) < 0.25 && abs(sigmaY - 3) < 0.25, "σ \(sigmaX), \(sigmaY)")
        #expect(detections.allSatisfy { $0.conf >= 0.93 && $0.conf <= 1 })
        #expect(detections.contains { $0.conf == 1 }, "clamped at 1")
        #expect(detections.allSatisfy { $0.tempC == 36.6 && $0.speedMps == 0 })
    }

    @Test func sameSeedSameFramesOtherSeedOtherNoise() throws {
        let world = try Fixtures.world()
        var scenario = try Fixtures.scenario("alqaim-mixed")
        let first = Fixtures.frames(scenario, world).map { FrameWriter.payload($0.report) }
        let second = Fixtures.frames(scenario, world).map { FrameWriter.payload($0.report) }
        #expect(first == second)
        scenario.seed += 1
        let third = Fixtures.frames(scenario, world).map { FrameWriter.payload($0.report) }
        #expect(first.count == third.count)
        #expect(first != third)
    }

    @Test func alQaimHerdAndVehicleAreSeenAndAnimalsStayAnimals() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("alqaim-mixed")
        let frames = Fixtures.frames(scenario, world)
        let detections = frames.flatMap { frame in frame.report.detections.map { (frame.report.camera, $0) } }
        let animals = detections.filter { $0.1.objectClass == .animal }
        let vehicles = detections.filter { $0.1.objectClass == .vehicle }
        #expect(Set(animals.map(\.0)).count >= 2, "the herd is seen by two cameras")
        #expect(Set(vehicles.map(\.0)).count >= 2, "the vehicle is seen by two cameras")
        // Every sheep is tracked by some camera.
        let herdFrame = try #require(frames.max { a, b in
            a.report.detections.filter { $0.objectClass == .animal }.count < b.report.detections.filter { $0.objectClass == .animal }.count
        })
        #expect(herdFrame.report.detections.filter { $0.objectClass == .animal }.count == 15)
        #expect(Set(frames.map(\.report.camera)).count == 27)
        #expect(vehicles.allSatisfy { $0.1.speedMps == 12 })
    }

    @Test func loopingKeepsCountingAndStartsNewTracks() throws {
        let actor = ActorSpec(
            id: "p", objectClass: .person, speedMps: 50, path: .waypoints([Fixtures.nearMast(north: 200), Fixtures.nearMast(north: 600)]))
        var simulator = Simulator(scenario: scenario([actor], tailS: 1), world: Fixtures.synthetic, epochMs: 1_000, loops: true)
        let perPass = simulator.framesPerPass
        #expect((90...91).contains(perPass))  // 8 s of walking plus 1 s of tail at 10 fps, rounded up to a frame
        var frames: [SimulatedFrame] = []
        for _ in 0..<(perPass * 3) {
            guard let frame = simulator.next() else {
                Issue.record("a looping simulator never ends")
                return
            }
            frames.append(frame)
        }
        #expect(frames.map(\.report.seq) == (0..<UInt64(perPass * 3)).map { $0 })
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.report.ts < $1.report.ts })
        #expect(frames.map(\.pass) == (0..<3).flatMap { Array(repeating: $0, count: perPass) })
        let tracksByPass = (0..<3).map { pass in Set(frames.filter { $0.pass == pass }.flatMap { $0.report.detections.map(\.track) }) }
        #expect(tracksByPass.allSatisfy { $0.count == 1 })
        #expect(Set(tracksByPass.flatMap { $0 }).count == 3, "a new track id every pass")
    }

    @Test func eventsDescribeTheCrossing() throws {
        let simulator = Simulator(scenario: try Fixtures.scenario("rabia-lone-crossing"), world: try Fixtures.world())
        let lines = simulator.events.map { $0.line() }
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("t=2.0s p1 appeared (1 person)"))
        #expect(lines[1] == "t=42.0s p1 crossed SY->IQ at km 558.0")
        #expect(lines[2].hasPrefix("t=135.3s p1 gone"))
    }
}

extension ActorEvent {
    /// The km of a crossing event (0 for other kinds), for comparisons.
    fileprivate var kindKm: Double {
        if case .crossed(_, _, let km) = kind { return km }
        return 0
    }
}
