import Foundation
import Testing
import VigilCore
import VigilSimulation

/// How the nuisance soak counts: every incident whose `raised` it saw is a false alert, in the
/// stretch of its first camera and the zone of its raised message, per 30 days; incidents seen
/// only by later messages are not counted; the threshold fails per zone.
@Suite struct NuisanceScoreTests {
    static func payload(_ fields: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: fields)) ?? Data())
    }

    @Test func everyIncidentRaisedIsAFalseAlertOfItsStretchAndZone() throws {
        let plan = try NuisancePlanTests.plan(days: 2, stretches: ["baaj"])
        let world = try Fixtures.world()
        // A patrol five minutes out, where it is then.
        let index = try #require(plan.activities.firstIndex { $0.kind == .patrol })
        let t = plan.trajectories[index].startS + 300
        let at = plan.trajectories[index].pathPoint(at: t)
        var alert: [String: Any] = [
            "v": 1, "seq": 1, "id": "al-1", "state": "raised", "kind": "intrusion", "severity": "high", "class": "vehicle", "count": 1,
            "sector": "S09", "zone": "iq-sy-strip", "lat": at.lat, "lon": at.lon, "cameras": ["cam-baaj-05", "cam-baaj-06"],
            "first_ts": plan.eventTimeMs(t - 60), "last_ts": plan.eventTimeMs(t), "emitted_ts": 0, "rule": "strip-intrusion",
        ]
        var payloads = [Self.payload(alert)]
        alert["state"] = "resolved"
        payloads.append(Self.payload(alert))
        // An incident raised before the soak subscribed: only its end is seen.
        payloads.append(Self.payload(["id": "al-0", "state": "resolved", "kind": "camera_offline", "zone": "iq-sy-border"]))
        payloads.append(Array("not json".utf8))
        let score = NuisanceScore.score(plan: plan, world: world, payloads: payloads)
        #expect(score.incidents.count == 1 && score.earlier == 1 && score.unparsable == 1)
        let incident = try #require(score.incidents.first)
        #expect(incident.stretch == "baaj" && incident.zone == "iq-sy-strip" && incident.kind == "intrusion" && incident.rule == "strip-intrusion")
        #expect(incident.cause?.hasPrefix("patrol \(plan.activities[index].actor.id) (0 m away)") == true, "\(incident.cause ?? "-")")
        #expect(score.perZoneMonth(stretch: "baaj", zone: "iq-sy-strip") == 15)
        #expect(score.worstPerZoneMonth == 15)
        #expect(score.cells.count == plan.stretches[0].zones.count)
        #expect(score.failures(maxPerZoneMonth: nil).isEmpty)
        #expect(score.failures(maxPerZoneMonth: 15).isEmpty)
        #expect(score.failures(maxPerZoneMonth: 1) == ["baaj/iq-sy-strip: 15.00 false alerts per 30 days (1 in 2 days) > 1.00"])
        #expect(score.table.contains("1 false alerts in 4 zones of 1 stretch over 2 days (by kind: intrusion 1)"))
        #expect(score.json.contains(#""false_alerts":1"#) && score.json.contains(#""earlier":1"#))
    }

    @Test func noAlertIsZeroInEveryZone() throws {
        let plan = try NuisancePlanTests.plan(days: 1, stretches: ["rabia"])
        let score = NuisanceScore.score(plan: plan, world: try Fixtures.world(), payloads: [])
        #expect(score.incidents.isEmpty && score.worstPerZoneMonth == 0)
        #expect(Set(score.cells.map(\.zone)) == [
            "iq-buffer", "iq-patrol-road", "iq-sy-border", "iq-sy-strip", "mask-rabia-pumps", "restricted-rabia-crossing", "town-al-yarubiyah",
            "town-rabia",
        ])
        #expect(score.failures(maxPerZoneMonth: 0).isEmpty)
    }
}
