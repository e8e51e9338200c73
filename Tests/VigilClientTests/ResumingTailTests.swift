import Foundation
import Testing
import VigilClient
import VigilWire

/// The resuming tail against real alert and catch-up sockets: every alert exactly once and in
/// order, whether it came live, by a page, or after a gap that a jump or a heartbeat revealed;
/// the position kept in its file across runs.
@Suite struct ResumingTailTests {
    static func statePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tail-\(UUID().uuidString).json").path
    }

    /// Runs `body` with a fake daemon serving `journal` and a state file, both gone afterwards.
    static func withDaemon(journal: ClosedRange<UInt64>, _ body: (FakeDaemon, String) throws -> Void) throws {
        let daemon = try FakeDaemon(journal: journal)
        let state = statePath()
        defer {
            daemon.stop()
            try? FileManager.default.removeItem(atPath: state)
        }
        try body(daemon, state)
    }

    /// Runs a tail of `daemon` into `output` until `count` alerts or `seconds`.
    static func run(
        _ daemon: FakeDaemon, state: String, output: inout MemoryOutput, count: Int?, seconds: Double = 20, prefixes: [String] = ["alert."],
        notes: NoteLog = NoteLog()
    ) throws {
        var tail = ResumingTail<MemoryOutput>(
            alertEndpoint: daemon.alertEndpoint, catchUpEndpoint: daemon.catchUpEndpoint, statePath: state, prefixes: prefixes, count: count,
            seconds: seconds, heartbeatSeconds: 0.05, note: notes.append)
        try tail.run(&output)
    }

    static func seqs(_ output: MemoryOutput) -> [UInt64] { output.written.compactMap { AlertMessage.seq(of: $0) } }

    @Test func catchesUpPageByPageThenFollowsTheLiveStream() throws {
        try Self.withDaemon(journal: 1...2_100) { daemon, state in
            var output = MemoryOutput()
            // Published live while the tail catches up: some arrive before it subscribed, some after.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { daemon.append(2_101...2_150, live: true) }
            try Self.run(daemon, state: state, output: &output, count: 2_150)
            #expect(Self.seqs(output) == Array(1...2_150), "each alert once, in order")
            #expect(Array(daemon.requests.prefix(3).map(\.after)) == [0, 1_000, 2_000])
            #expect(try TailPosition.load(path: state)?.lastSeq == 2_150)
        }
    }

    @Test func aHeartbeatAheadOfThePositionIsCaughtUpAndNothingComesTwice() throws {
        try Self.withDaemon(journal: 1...3) { daemon, state in
            var output = MemoryOutput()
            // Never published: only the heartbeat's latest_seq tells the tail they exist.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { daemon.append(4...8, live: false) }
            try Self.run(daemon, state: state, output: &output, count: 8)
            #expect(Self.seqs(output) == Array(1...8))
            let afters = daemon.requests.map(\.after)
            #expect(afters.first == 0 && afters.contains(3), "caught up again from the position the heartbeat was ahead of: \(afters)")
            #expect(try TailPosition.load(path: state)?.lastSeq == 8)
        }
    }

    @Test func aJumpInTheLiveStreamIsFilledFromTheJournal() throws {
        try Self.withDaemon(journal: 1...2) { daemon, state in
            var output = MemoryOutput()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
                daemon.append(3...5, live: false)  // lost on the way
                daemon.append(6...7, live: true)  // 6 arrives with 5 missing: a jump
            }
            try Self.run(daemon, state: state, output: &output, count: 7)
            #expect(Self.seqs(output) == Array(1...7))
        }
    }

    @Test func aSecondRunStartsAfterThePositionTheFirstSaved() throws {
        try Self.withDaemon(journal: 1...5) { daemon, state in
            var first = MemoryOutput()
            try Self.run(daemon, state: state, output: &first, count: 3)
            #expect(Self.seqs(first) == [1, 2, 3])
            daemon.append(6...6, live: false)
            var second = MemoryOutput()
            try Self.run(daemon, state: state, output: &second, count: 3)
            #expect(Self.seqs(second) == [4, 5, 6], "nothing twice across runs")
            #expect(daemon.requests.last?.after ?? 0 >= 3)
        }
    }

    @Test func filtersPassOverOtherTopicsButKeepOnePosition() throws {
        try Self.withDaemon(journal: 1...4) { daemon, state in
            var output = MemoryOutput()
            try Self.run(daemon, state: state, output: &output, count: nil, seconds: 0.5, prefixes: ["alert.high.", "alert.medium."])
            #expect(output.written.isEmpty, "every alert is critical")
            #expect(try TailPosition.load(path: state)?.lastSeq == 4, "passed over")
            #expect(daemon.requests.first?.prefix == "alert.")
        }
    }

    @Test func anEndpointThatNeverAnswersEndsTheTailAtItsDeadline() throws {
        try Self.withDaemon(journal: 1...3) { daemon, state in
            daemon.answerNext(.silence)
            var output = MemoryOutput()
            let started = ContinuousClock.now
            try Self.run(daemon, state: state, output: &output, count: nil, seconds: 0.6)
            #expect(started.duration(to: .now) < .seconds(3))
            #expect(output.written.isEmpty, "the one request went unanswered until the deadline")
            #expect(try TailPosition.load(path: state)?.lastSeq == 0)
        }
    }

    @Test func aStateFileThatIsNotAPositionIsRefusedByName() throws {
        let state = Self.statePath()
        defer { try? FileManager.default.removeItem(atPath: state) }
        try Data("{\"v\":2}".utf8).write(to: URL(fileURLWithPath: state))
        #expect {
            _ = try TailPosition.load(path: state)
        } throws: { error in
            (error as? VigilClientError)?.code == .badStateFile && "\(error)".contains(state)
        }
        #expect(try TailPosition.load(path: state + ".absent") == nil)
        try Data(#"{"v":1,"last_seq":18446744073709551615,"stdout":{"dev":1,"ino":2,"size":3}}"#.utf8).write(to: URL(fileURLWithPath: state))
        let position = try #require(try TailPosition.load(path: state))
        #expect(position.lastSeq == .max && position.output?.device == 1 && position.output?.inode == 2 && position.output?.size == 3)
        try position.save(path: state)
        #expect(try TailPosition.load(path: state) == position)
    }

    @Test(arguments: [(-1.0, 0 as UInt64), (0, 0), (1, 1_000_000_000), (1e300, .max), (.infinity, .max), (.nan, 0)])
    func deadlinesSaturate(seconds: Double, after: UInt64) {
        #expect(MonotonicClock.deadline(afterSeconds: seconds, from: 0) == after)
        #expect(MonotonicClock.deadline(afterSeconds: 1, from: .max - 1) == .max)
    }
}
