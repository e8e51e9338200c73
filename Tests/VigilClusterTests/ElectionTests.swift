import Foundation
import Testing
@testable import VigilCluster

/// The election against a real etcd (one member on loopback, started by each test).
@Suite(.serialized) struct ElectionTests {
    static func settings(_ node: String, key: String = "/vigil/test/leader") -> Election.Settings {
        Election.Settings(key: key, node: node, leaseTTLSeconds: 2, keepAliveIntervalMs: 200, demoteMarginMs: 500)
    }

    /// The next event of `election`, or nil after `seconds`.
    static func next(_ events: inout AsyncStream<Election.Event>.Iterator, within seconds: Double) async -> Election.Event? {
        await withTaskGroup(of: Election.Event?.self) { group in
            var iterator = events
            group.addTask { try? await Task.sleep(for: .seconds(seconds)); return nil }
            let event = await iterator.next()
            group.cancelAll()
            events = iterator
            return event
        }
    }

    @Test func oneNodeWinsUnderTheLeaderKeysRevisionAndTheOtherTakesOverWithAHigherOneWhenItResigns() async throws {
        let etcd = try await EtcdProcess.start()
        defer { etcd.stop() }
        let client = EtcdClient(endpoints: [etcd.endpoint], requestTimeoutMs: 400)
        let a = Election(settings: Self.settings("vigil-a"), etcd: client)
        let b = Election(settings: Self.settings("vigil-b"), etcd: client)
        var aEvents = a.events.makeAsyncIterator(), bEvents = b.events.makeAsyncIterator()
        let runA = Task { await a.run() }
        guard case .promoted(let first) = await Self.next(&aEvents, within: 5) else { Issue.record("vigil-a was not elected"); return }
        let runB = Task { await b.run() }
        try await Task.sleep(for: .seconds(1))
        #expect(a.role == .active(epoch: first) && b.role == .standby)
        let (leader, _) = try await client.get(Array("/vigil/test/leader".utf8))
        #expect(leader?.createRevision == first, "the epoch is the leader key's creation revision")
        #expect(leader.map { String(decoding: $0.value, as: UTF8.self) } == "vigil-a")

        let resigned = ContinuousClock.now
        await a.resign()
        runA.cancel()
        guard case .promoted(let second) = await Self.next(&bEvents, within: 5) else { Issue.record("vigil-b did not take over"); return }
        #expect(second > first)
        #expect(!a.fence.mayPublish() && b.role == .active(epoch: second))
        // A resignation revokes the lease: the standby wins within a keep-alive interval or so
        // (200 ms here, and a request), not after the lease's TTL (2 s).
        #expect(ContinuousClock.now - resigned < .milliseconds(1_800), "took \(ContinuousClock.now - resigned)")
        runB.cancel()
        await runB.value
    }

    @Test func aLeaseRevokedBehindTheNodesBackDemotesItAtItsNextKeepAliveAndItIsElectedAgainHigher() async throws {
        let etcd = try await EtcdProcess.start()
        defer { etcd.stop() }
        let client = EtcdClient(endpoints: [etcd.endpoint], requestTimeoutMs: 400)
        let a = Election(settings: Self.settings("vigil-a"), etcd: client)
        var events = a.events.makeAsyncIterator()
        let run = Task { await a.run() }
        guard case .promoted(let first) = await Self.next(&events, within: 5) else { Issue.record("not elected"); return }
        let (leader, _) = try await client.get(Array("/vigil/test/leader".utf8))
        try await client.revoke(lease: try #require(leader?.lease))
        #expect(await Self.next(&events, within: 2) == .demoted(epoch: first, cause: .leaseGone))
        guard case .promoted(let second) = await Self.next(&events, within: 5) else { Issue.record("not elected again"); return }
        #expect(second > first)
        run.cancel()
        await run.value
    }

    /// etcd stops answering (SIGSTOP: as a quorum lost, requests hang): the active node stops
    /// publishing at its deadline, TTL − margin after its last renewal was sent, before its lease
    /// can expire; when etcd answers again, its lease has expired and the standby is elected.
    @Test func anActiveNodeThatCannotRenewStopsPublishingBeforeItsLeaseCanExpire() async throws {
        let etcd = try await EtcdProcess.start()
        defer { etcd.stop() }
        let client = EtcdClient(endpoints: [etcd.endpoint], requestTimeoutMs: 400)
        let a = Election(settings: Self.settings("vigil-a"), etcd: client)
        var events = a.events.makeAsyncIterator()
        let run = Task { await a.run() }
        guard case .promoted(let epoch) = await Self.next(&events, within: 5) else { Issue.record("not elected"); return }
        try await Task.sleep(for: .seconds(1))
        let pid = try #require(etcd.pid)
        kill(pid, SIGSTOP)
        let frozen = LeaseFence.bootTimeNs()
        // The deadline: at most TTL − margin (1.5 s) after the freeze, since the last renewal was
        // sent before it; the lease cannot expire before deadline + margin.
        let deadline = a.fence.deadline
        #expect(deadline > frozen && deadline - frozen <= 1_500_000_000)
        // What a publisher sees: it may publish until the deadline, not a moment after.
        var stopped: UInt64 = 0
        while stopped == 0 && LeaseFence.bootTimeNs() - frozen < 3_000_000_000 {
            if !a.fence.mayPublish() { stopped = LeaseFence.bootTimeNs() }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(stopped >= deadline && stopped < deadline + 100_000_000, "stopped \(Double(stopped) / 1e9 - Double(frozen) / 1e9) s after the freeze")
        // The election notices at its next round (after a keep-alive that times out).
        let event = await Self.next(&events, within: 3)
        kill(pid, SIGCONT)
        #expect(event == .demoted(epoch: epoch, cause: .leaseDeadline))
        #expect(a.role == .standby)
        run.cancel()
        await run.value
    }
}
