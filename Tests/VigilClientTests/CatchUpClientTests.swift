import Foundation
import Testing
import VigilClient
import VigilWire
import ZeroMQ

/// The catch-up client against a catch-up endpoint on a real ROUTER socket: pages, refusals,
/// replies that are not pages, requests nobody answers.
@Suite struct CatchUpClientTests {
    /// A client of `daemon` whose notes land in `notes`.
    static func client(_ daemon: FakeDaemon, timeoutMs: Int = 3_000, notes: NoteLog) throws -> (ZMQContext, CatchUpClient) {
        let context = try ZMQContext()
        return (context, CatchUpClient(context: context, endpoint: daemon.catchUpEndpoint, timeoutMs: timeoutMs, note: notes.append))
    }

    @Test func pagesThroughTheJournalInOrder() throws {
        let daemon = try FakeDaemon(journal: 1...2_500)
        defer { daemon.stop() }
        let notes = NoteLog()
        let (_, client) = try Self.client(daemon, notes: notes)
        defer { client.close() }
        var after: UInt64 = 0
        var seen: [UInt64] = []
        var pages = 0
        while true {
            let page = try #require(try client.page(after: after, limit: 1_000, prefix: "alert.", deadlineNs: nil))
            pages += 1
            #expect(page.after == after && page.latestSeq == 2_500 && page.oldestSeq == 1)
            seen += page.alerts.compactMap { AlertMessage.seq(of: $0.payload) }
            #expect(page.alerts.allSatisfy { $0.topic == FakeDaemon.topic })
            after = page.lastSeq
            if !page.more { break }
        }
        #expect(pages == 3)
        #expect(seen == Array(1...2_500))
        #expect(daemon.requests.map(\.after) == [0, 1_000, 2_000])
        #expect(daemon.requests.allSatisfy { $0.limit == 1_000 && $0.prefix == "alert." })
        #expect(notes.lines.isEmpty)
    }

    @Test func aRefusalIsAnErrorNamingTheEndpointAndTheReason() throws {
        let daemon = try FakeDaemon(journal: 1...3)
        defer { daemon.stop() }
        daemon.answerNext(.refuse(#""after" must be the last seq you have"#))
        let (_, client) = try Self.client(daemon, notes: NoteLog())
        defer { client.close() }
        #expect {
            _ = try client.page(after: 0, limit: 10, prefix: "", deadlineNs: nil)
        } throws: { error in
            let error = error as? VigilClientError
            return error?.code == .unavailable && error?.code.exitStatus == 69
                && error?.message == #"the catch-up endpoint \#(daemon.catchUpEndpoint) refused: "after" must be the last seq you have"#
        }
        // The same client asks again and is answered.
        #expect(try client.page(after: 0, limit: 10, prefix: "", deadlineNs: nil)?.alerts.count == 3)
    }

    @Test func aReplyThatIsNotAPageIsAProtocolError() throws {
        let daemon = try FakeDaemon(journal: 1...3)
        defer { daemon.stop() }
        daemon.answerNext(.nonsense)
        let (_, client) = try Self.client(daemon, notes: NoteLog())
        defer { client.close() }
        #expect {
            _ = try client.page(after: 0, limit: 10, prefix: "", deadlineNs: nil)
        } throws: { error in
            (error as? VigilClientError)?.code == .badReply && (error as? VigilClientError)?.code.exitStatus == 76
        }
    }

    @Test func anUnansweredRequestIsAskedAgainOnANewSocketAndTheSilenceIsNotedOnce() throws {
        let daemon = try FakeDaemon(journal: 1...3)
        defer { daemon.stop() }
        daemon.answerNext(.silence, .silence)
        let notes = NoteLog()
        let (_, client) = try Self.client(daemon, timeoutMs: 200, notes: notes)
        defer { client.close() }
        let started = ContinuousClock.now
        var waited = 0
        let page = try client.page(after: 0, limit: 10, prefix: "", deadlineNs: nil, waiting: { waited += 1 })
        #expect(page?.alerts.count == 3)
        #expect(started.duration(to: .now) >= .milliseconds(400), "two timeouts before the answer")
        #expect(waited >= 2)
        #expect(daemon.requests.count == 3, "asked three times")
        #expect(notes.lines.count == 2)
        #expect(notes.lines.first?.hasPrefix("no answer from the catch-up endpoint \(daemon.catchUpEndpoint)") == true)
        #expect(notes.lines.last == "the catch-up endpoint \(daemon.catchUpEndpoint) answers again")
    }

    @Test func aDeadlineEndsTheWaitWithoutAnAnswer() throws {
        let daemon = try FakeDaemon(journal: 1...3)
        defer { daemon.stop() }
        daemon.answerNext(.silence, .silence, .silence, .silence, .silence, .silence, .silence, .silence)
        let (_, client) = try Self.client(daemon, timeoutMs: 100, notes: NoteLog())
        defer { client.close() }
        let started = ContinuousClock.now
        let deadline = MonotonicClock.nowNs() + 350_000_000
        #expect(try client.page(after: 0, limit: 10, prefix: "", deadlineNs: deadline) == nil)
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(340) && elapsed < .seconds(2))
    }
}

/// Notes as a client makes them, kept for the test to read.
final class NoteLog {
    private(set) var lines: [String] = []

    /// Keeps a note.
    func append(_ line: String) { lines.append(line) }
}
