@testable import VigilCAP
import VigilWire

/// Alert messages for the tests, as the contract's example (CONTRACT.md section 2) with changes.
enum Fixtures {
    /// The contract's example message, raised.
    static let contractExample = """
        {"v":1,"seq":1042,"id":"al-7f3a9c21","state":"raised","kind":"border_crossing","severity":"critical",\
        "class":"person","count":3,"sector":"S07","zone":"iq-sy-border","lat":36.79213,"lon":42.08931,\
        "direction":"SY->IQ","cameras":["cam-rabia-03","cam-rabia-04"],"first_ts":1795228381000,\
        "last_ts":1795228387250,"emitted_ts":1795228387253}
        """

    /// A coverage gap with its stretch (the extension fields).
    static let coverageGap = """
        {"v":1,"seq":7,"id":"al-gap-1","state":"raised","kind":"coverage_gap","severity":"high","class":"unknown",\
        "count":0,"sector":"S12","zone":"iq-sy-border","lat":36.8325,"lon":42.105,"cameras":["cam-rabia-16"],\
        "first_ts":1795228381000,"last_ts":1795228381000,"emitted_ts":1795228381004,"rule":"gap-border",\
        "stretch":{"border":"iq-sy-border","from_km":556.1,"to_km":559.3,"km":3.2,"from":[36.82,42.09],"to":[36.845,42.12]}}
        """

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
