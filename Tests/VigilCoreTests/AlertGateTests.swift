import Testing
@testable import VigilCore

/// Silences between the engine and the publisher.
@Suite struct AlertGateTests {
    static func event(_ id: String, _ state: AlertMessage.State, kind: String = "border_crossing", severity: Severity = .critical, camera: String = "cam-a")
        -> AlertMessage
    {
        AlertMessage(
            id: id, state: state, kind: kind, severity: severity, objectClass: .person, count: 1, sector: "S01", zone: "border", lat: 36,
            lon: 42, direction: "SY->IQ", cameras: [camera], firstTs: 1_000, lastTs: 2_000)
    }

    static func silence(kind: String? = nil, severity: Severity? = nil, camera: String? = nil, until: Int64 = 10_000) -> Silence {
        Silence(id: "si-1", camera: camera, kind: kind, severity: severity, createdMs: 0, expiresMs: until)
    }

    @Test func withoutSilencesEverythingPasses() {
        var gate = AlertGate()
        let events = [Self.event("a", .raised), Self.event("a", .updated), Self.event("a", .resolved)]
        #expect(gate.pass(events, nowMs: 0) == events)
    }

    @Test func anIncidentRaisedAndResolvedUnderASilenceIsNeverSeen() {
        var gate = AlertGate(silences: [Self.silence(kind: "border_crossing")])
        #expect(gate.pass([Self.event("a", .raised), Self.event("a", .updated), Self.event("a", .resolved)], nowMs: 0).isEmpty)
        #expect(gate.held == 3)
        // Other kinds pass.
        #expect(gate.pass([Self.event("b", .raised, kind: "intrusion")], nowMs: 0).count == 1)
    }

    @Test func anOpenIncidentBecomesVisibleAsRaisedWhenItsSilenceExpires() {
        var gate = AlertGate(silences: [Self.silence(camera: "cam-a", until: 5_000)])
        _ = gate.pass([Self.event("a", .raised), Self.event("a", .updated)], nowMs: 1_000)
        #expect(gate.expire(nowMs: 4_999).events.isEmpty)
        let ended = gate.expire(nowMs: 5_000)
        #expect(ended.expired)
        #expect(ended.events.map(\.state) == [.raised])
        #expect(ended.events.first?.id == "a")
        // Its later messages pass as they are.
        #expect(gate.pass([Self.event("a", .updated), Self.event("a", .resolved)], nowMs: 6_000).map(\.state) == [.updated, .resolved])
    }

    @Test func removingASilenceReleasesWhatItHeldBack() {
        var gate = AlertGate(silences: [Self.silence(severity: .medium)])
        _ = gate.pass([Self.event("a", .raised, severity: .medium)], nowMs: 0)
        #expect(gate.remove(id: "nope", nowMs: 0).removed == false)
        let removed = gate.remove(id: "si-1", nowMs: 0)
        #expect(removed.removed && removed.events.map(\.id) == ["a"])
    }

    @Test func anIncidentThatOutgrowsItsSilenceIsPublishedAsRaised() {
        // Silenced while medium; it escalates to critical, which the silence does not match.
        var gate = AlertGate(silences: [Self.silence(severity: .medium)])
        #expect(gate.pass([Self.event("a", .raised, severity: .medium)], nowMs: 0).isEmpty)
        let shown = gate.pass([Self.event("a", .updated, severity: .critical)], nowMs: 0)
        #expect(shown.map(\.state) == [.raised])
        #expect(shown.first?.severity == .critical)
    }

    @Test func aSeenIncidentAlwaysGetsItsResolvedEvenUnderANewSilence() {
        var gate = AlertGate()
        #expect(gate.pass([Self.event("a", .raised)], nowMs: 0).count == 1)
        gate.add(Self.silence(kind: "border_crossing"))
        #expect(gate.pass([Self.event("a", .updated)], nowMs: 0).isEmpty)
        #expect(gate.pass([Self.event("a", .resolved)], nowMs: 0).map(\.state) == [.resolved])
    }

    @Test func aSilenceWithoutMatchersMatchesNothing() {
        let silence = Silence(id: "si-0", createdMs: 0, expiresMs: 10_000)
        #expect(!silence.matches(Self.event("a", .raised), nowMs: 0))
    }
}
