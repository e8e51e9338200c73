import Testing
import VigilCore
import VigilSimulation

/// Whole runs over real ZeroMQ sockets on tcp://127.0.0.1: a ``FrameSink`` stands in for the
/// daemon, binding an ephemeral port that the run's ``Publisher`` connects to.
@Suite(.serialized) struct RunnerTests {
    /// What the sink received, judged the way the daemon would.
    struct Received {
        var messages = 0
        var valid = 0
        var detections = 0
        var rejected: [RejectReason: Int] = [:]
        var seqByCamera: [String: [UInt64]] = [:]
        var newestTs: Int64 = .min
    }

    /// Runs `scenario` with `options` into a fresh sink and returns the summary and what arrived.
    private func run(_ scenario: Scenario, _ world: SimulationWorld, _ options: RunOptions) throws -> (RunSummary, Received) {
        let sink = try FrameSink(bind: ["tcp://127.0.0.1:*"], connect: [])
        defer { sink.close() }
        let publisher = try Publisher(connect: sink.boundEndpoints, bind: [])
        defer { publisher.close() }
        try sink.settle(milliseconds: 300)  // the subscription reaches the publisher (the runner warms up too)
        var lines: [String] = []
        let summary = try Runner(scenario: scenario, world: world, options: options, publisher: publisher) { lines.append($0) }.run()

        let cameras = Dictionary(uniqueKeysWithValues: world.cameras.map { ($0.id, $0) })
        var received = Received()
        let limitMs = WallClock.nowMs() + 5_000
        while received.messages < summary.sent {
            let count = try sink.drain(timeoutMs: 2_000) { frameCount, topicBytes, payload in
                let topic = String(decoding: topicBytes, as: UTF8.self).split(separator: ".").map(String.init)
                guard frameCount == 2 else {
                    received.rejected[.wrongFrameCount, default: 0] += 1
                    return
                }
                guard topic.count == 3, topic[0] == "det" else {
                    received.rejected[.badTopic, default: 0] += 1
                    return
                }
                do throws(FrameReportError) {
                    let report = try FrameReportParser.parse(payload)
                    guard let camera = cameras[report.camera], report.camera == topic[2] else {
                        throw FrameReportError(.unknownCamera, report.camera)
                    }
                    guard camera.sector == topic[1] else { throw FrameReportError(.wrongSector, topic[1]) }
                    guard report.ts <= limitMs else { throw FrameReportError(.futureTimestamp, "\(report.ts)") }
                    received.valid += 1
                    received.detections += report.detections.count
                    received.seqByCamera[report.camera, default: []].append(report.seq)
                    received.newestTs = max(received.newestTs, report.ts)
                } catch {
                    received.rejected[error.reason, default: 0] += 1
                }
            }
            if count == 0 { break }
            received.messages += count
        }
        return (summary, received)
    }

    @Test func acceleratedRunDeliversEveryFrameWithHostileMessagesInterleaved() throws {
        let world = try Fixtures.world()
        let scenario = try Fixtures.scenario("rabia-lone-crossing")
        let simulator = Simulator(scenario: scenario, world: world)
        let started = WallClock.nowMs()
        let (summary, received) = try run(scenario, world, RunOptions(pace: .accelerated(2_000), hostileEvery: 100, warmupMs: 100))

        let normal = simulator.framesPerPass
        #expect(summary.sent == normal + normal / 100)
        #expect(summary.hostile == normal / 100)
        #expect(received.messages == summary.sent, "nothing lost")
        #expect(received.valid == normal)
        #expect(received.detections == summary.detections)
        #expect(received.detections > 2_000)
        // Every camera's frames arrive complete and in order.
        #expect(received.seqByCamera.count == 32)
        #expect(received.seqByCamera.values.allSatisfy { $0 == (0..<UInt64(simulator.framesPerCamera)).map { $0 } })
        // Event time never ran ahead of the wall clock.
        #expect(received.newestTs <= WallClock.nowMs())
        #expect(received.newestTs >= started - 1_000)
        // Each hostile kind was refused for its reason, as many times as the cycle sent it.
        var expected: [RejectReason: Int] = [:]
        for index in 0..<summary.hostile {
            let kind = HostileMessage.Kind.allCases[index % HostileMessage.Kind.allCases.count]
            expected[kind.expectedReason, default: 0] += 1
        }
        #expect(received.rejected == expected)
    }

    @Test func loadRunLoopsUntilTheCount() throws {
        let actor = ActorSpec(
            id: "p", objectClass: .person, speedMps: 50, path: .waypoints([Fixtures.nearMast(north: 200), Fixtures.nearMast(north: 600)]))
        let scenario = Scenario(name: "loop", fps: 10, noiseM: 1, tailS: 1, actors: [actor])
        let (summary, received) = try run(
            scenario, Fixtures.synthetic, RunOptions(pace: .load(rate: 0, duration: nil, count: 1_000), warmupMs: 100))
        #expect(summary.sent == 1_000)
        #expect(summary.hostile == 0)
        #expect(summary.rate > 0)
        #expect(received.messages == 1_000)
        #expect(received.valid == 1_000)
        #expect(received.seqByCamera["cam-test-01"] == (0..<1_000).map { UInt64($0) }, "seq keeps counting across passes")
        #expect(received.newestTs <= WallClock.nowMs(), "never ahead of the wall clock")
    }

    @Test func loadRunKeepsToTheRate() throws {
        let scenario = Scenario(
            name: "rate", fps: 10, noiseM: 0, tailS: 1,
            actors: [ActorSpec(id: "p", objectClass: .person, speedMps: 1, dwellS: 1, path: .waypoints([Fixtures.nearMast(north: 300)]))])
        let (summary, received) = try run(
            scenario, Fixtures.synthetic, RunOptions(pace: .load(rate: 2_000, duration: nil, count: 500), hostileEvery: 10, warmupMs: 100))
        #expect(summary.sent == 500)
        #expect(received.messages == 500)
        #expect(summary.hostile == 45)
        // Load runs stamp frames far in the past; the hostile "future" frame is still ahead of the wall clock.
        var expected: [RejectReason: Int] = [:]
        for index in 0..<45 { expected[HostileMessage.Kind.allCases[index % 12].expectedReason, default: 0] += 1 }
        #expect(received.rejected == expected)
        #expect(received.valid == 455)
        #expect(summary.seconds >= 0.2 && summary.seconds < 1.5, "500 messages at 2000/s take about 0.25 s, took \(summary.seconds)")
    }

    @Test func summaryJSONHasTheHarnessKeys() {
        let summary = RunSummary(sent: 1_200, detections: 340, hostile: 100, seconds: 12)
        #expect(summary.json == #"{"sent":1200,"detections":340,"seconds":12.000000,"rate":100.0,"hostile":100}"#)
        #expect(summary.text == "sent 1200 messages (100 hostile), 340 detections in 12.00 s: 100 msg/s")
    }
}
