@testable import VigilCAP
import VigilWire
import VigilWireFixtures

/// Alert messages for the tests, as the contract's example (CONTRACT.md section 2) with changes.
enum Fixtures {
    /// The contract's example message, raised.
    static let contractExample = AlertExamples.contractExample

    /// A coverage gap with its stretch (the extension fields).
    static let coverageGap = AlertExamples.coverageGap

    /// The sender the tests write with.
    static let sender = "vigil@test.example"

    /// Options with the test sender.
    static var options: CAPOptions { CAPOptions(sender: sender) }

    /// An alert message of `id` in `state`, at `seq`, emitted at `emittedTs`.
    static func alert(
        _ id: String = "al-1", _ state: AlertMessage.State = .raised, seq: UInt64 = 1, kind: String = "border_crossing",
        severity: Severity = .critical, exercise: Bool = false, rule: String? = nil,
        emittedTs: Int64 = 1_795_228_387_253
    ) -> AlertMessage {
        AlertMessage(
            seq: seq, id: id, state: state, kind: kind, severity: severity, objectClass: .person, count: 3,
            sector: "S07", zone: "iq-sy-border", position: GeoPoint(lat: 36.79213, lon: 42.08931),
            direction: kind == "border_crossing" ? "SY->IQ" : nil, cameras: ["cam-rabia-03", "cam-rabia-04"],
            firstTs: 1_795_228_381_000, lastTs: emittedTs - 3, emittedTs: emittedTs, rule: rule, exercise: exercise)
    }
}
