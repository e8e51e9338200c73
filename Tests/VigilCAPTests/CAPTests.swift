import Testing
@testable import VigilCAP
import VigilWire

/// The mapping of alert messages to CAP messages, and the writer's references.
@Suite struct CAPTests {
    @Test func namespaceIsCAP12() {
        #expect(CAP.namespace == "urn:oasis:names:tc:emergency:cap:1.2")
    }

    @Test func raisedIsAnAlertToMonitorNow() throws {
        var writer = CAPWriter(options: Fixtures.options)
        let message = writer.message(for: try AlertMessage.decode(Fixtures.contractExample))
        #expect(message.identifier == "vigil-al-7f3a9c21-1042")
        #expect(message.sender == Fixtures.sender)
        #expect(message.sent.description == "2026-11-21T02:33:07-00:00")
        #expect(message.status == .actual)
        #expect(message.msgType == .alert)
        #expect(message.scope == .restricted)
        #expect(message.restriction == Fixtures.options.restriction)
        #expect(message.references.isEmpty)
        #expect(message.incidents == ["al-7f3a9c21"])
        #expect(message.note == nil)
        let info = try #require(message.info.first)
        #expect(info.language == "en-US")
        #expect(info.categories == [.security])
        #expect(info.event == "Border crossing")
        #expect(info.responseTypes == [.monitor])
        #expect(info.urgency == .immediate)
        #expect(info.severity == .extreme)
        #expect(info.certainty == .observed)
        #expect(info.eventCodes == [.init("vigil:kind", "border_crossing")])
        #expect(info.onset?.description == "2026-11-21T02:33:01-00:00")
        #expect(info.senderName == "Vigil border surveillance")
        #expect(info.headline == "Border crossing SY->IQ, 3 persons, iq-sy-border S07")
        let parameters = Dictionary(uniqueKeysWithValues: info.parameters.map { ($0.valueName, $0.value) })
        #expect(parameters["vigil:id"] == "al-7f3a9c21")
        #expect(parameters["vigil:seq"] == "1042")
        #expect(parameters["vigil:count"] == "3")
        #expect(parameters["vigil:class"] == "person")
        #expect(parameters["vigil:direction"] == "SY->IQ")
        #expect(parameters["vigil:cameras"] == "cam-rabia-03 cam-rabia-04")
        #expect(parameters["vigil:first_ts"] == "1795228381000")
        #expect(parameters["vigil:last_ts"] == "1795228387250")
        #expect(parameters["vigil:exercise"] == nil)
        let area = try #require(info.areas.first)
        #expect(area.circles == [CAPAlert.Circle(center: GeoPoint(lat: 36.79213, lon: 42.08931), radiusKm: 0.5)])
        #expect(area.polygons.isEmpty)
        #expect(area.geocodes == [.init("vigil:sector", "S07"), .init("vigil:zone", "iq-sy-border")])
    }

    @Test func updatedIsAnUpdateReferencingTheRaisedMessage() {
        var writer = CAPWriter(options: Fixtures.options)
        let raised = writer.message(for: Fixtures.alert("al-1", .raised, seq: 1, emittedTs: 1_795_228_387_000))
        let updated = writer.message(for: Fixtures.alert("al-1", .updated, seq: 2, emittedTs: 1_795_228_397_000))
        #expect(updated.msgType == .update)
        #expect(updated.references == [raised.reference])
        #expect(updated.references.map(\.text) == ["vigil@test.example,vigil-al-1-1,2026-11-21T02:33:07-00:00"])
        #expect(updated.info[0].responseTypes == [.monitor])
        #expect(updated.info[0].urgency == .immediate)
        #expect(updated.note == nil)
    }

    @Test func resolvedIsAnAllClearUpdateReferencingTheChainThenForgotten() {
        var writer = CAPWriter(options: Fixtures.options)
        let raised = writer.message(for: Fixtures.alert("al-1", .raised, seq: 1))
        let updated = writer.message(for: Fixtures.alert("al-1", .updated, seq: 5))
        #expect(writer.openIncidents == 1)
        let resolved = writer.message(for: Fixtures.alert("al-1", .resolved, seq: 9))
        #expect(resolved.msgType == .update)
        #expect(resolved.references == [raised.reference, updated.reference])
        #expect(resolved.info[0].responseTypes == [.allClear])
        #expect(resolved.info[0].urgency == .past)
        #expect(resolved.info[0].severity == .extreme)  // how bad it was, not how bad it is now
        #expect(resolved.info[0].headline?.hasPrefix("Resolved: ") == true)
        #expect(writer.openIncidents == 0)
    }

    @Test func anIncidentFirstSeenLateIsAnAlertWithANote() throws {
        var writer = CAPWriter(options: Fixtures.options)
        let updated = writer.message(for: Fixtures.alert("al-late", .updated, seq: 4))
        #expect(updated.msgType == .alert)
        #expect(updated.references.isEmpty)
        #expect(updated.incidents == ["al-late"])
        #expect(try #require(updated.note).contains("First message of incident al-late"))
        // Its next message references it.
        let resolved = writer.message(for: Fixtures.alert("al-late", .resolved, seq: 6))
        #expect(resolved.msgType == .update)
        #expect(resolved.references == [updated.reference])

        let resolvedFirst = writer.message(for: Fixtures.alert("al-gone", .resolved, seq: 7))
        #expect(resolvedFirst.msgType == .alert)
        #expect(resolvedFirst.info[0].responseTypes == [.allClear])
        #expect(resolvedFirst.info[0].urgency == .past)
        #expect(writer.openIncidents == 0)
    }

    @Test func incidentsAreKeptApart() {
        var writer = CAPWriter(options: Fixtures.options)
        let a = writer.message(for: Fixtures.alert("al-a", .raised, seq: 1))
        let b = writer.message(for: Fixtures.alert("al-b", .raised, seq: 2))
        #expect(writer.message(for: Fixtures.alert("al-a", .updated, seq: 3)).references == [a.reference])
        #expect(writer.message(for: Fixtures.alert("al-b", .resolved, seq: 4)).references == [b.reference])
    }

    @Test func referencesAreBoundedToTheFirstAndTheLatest() {
        var options = Fixtures.options
        options.maxReferences = 4
        var writer = CAPWriter(options: options)
        var written = [writer.message(for: Fixtures.alert("al-1", .raised, seq: 1))]
        for seq in 2...10 {
            written.append(writer.message(for: Fixtures.alert("al-1", .updated, seq: UInt64(seq))))
        }
        let last = writer.message(for: Fixtures.alert("al-1", .updated, seq: 11))
        #expect(last.references == [written[0].reference] + written.suffix(3).map(\.reference))
    }

    @Test func openIncidentsAreBounded() {
        var options = Fixtures.options
        options.maxOpenIncidents = 3
        var writer = CAPWriter(options: options)
        for index in 1...3 { _ = writer.message(for: Fixtures.alert("al-\(index)", .raised, seq: UInt64(index))) }
        _ = writer.message(for: Fixtures.alert("al-1", .updated, seq: 4))  // al-2 is now the stalest
        _ = writer.message(for: Fixtures.alert("al-4", .raised, seq: 5))
        #expect(writer.openIncidents == 3)
        #expect(writer.message(for: Fixtures.alert("al-2", .updated, seq: 6)).msgType == .alert)
        #expect(writer.message(for: Fixtures.alert("al-1", .updated, seq: 7)).msgType == .update)
    }

    @Test(arguments: [
        (Severity.critical, CAP.Severity.extreme), (.high, .severe), (.medium, .moderate), (.low, .minor),
    ])
    func severities(_ severity: Severity, _ expected: CAP.Severity) {
        var writer = CAPWriter(options: Fixtures.options)
        #expect(writer.message(for: Fixtures.alert(severity: severity)).info[0].severity == expected)
    }

    @Test func simulatedInputIsAnExerciseNeverActual() throws {
        var writer = CAPWriter(options: Fixtures.options)
        let states: [AlertMessage.State] = [.raised, .updated, .resolved]
        for (index, state) in states.enumerated() {
            let message = writer.message(for: Fixtures.alert("al-x", state, seq: UInt64(index + 1), exercise: true))
            #expect(message.status == .exercise)
            #expect(try #require(message.note).hasPrefix("Exercise: "))
            #expect(message.info[0].parameters.contains(.init("vigil:exercise", "true")))
        }
        #expect(writer.message(for: Fixtures.alert("al-y", exercise: false)).status == .actual)
    }

    @Test func aDrillForcesExerciseOrTest() {
        for drill in CAPOptions.Drill.allCases {
            var options = Fixtures.options
            options.drill = drill
            var writer = CAPWriter(options: options)
            #expect(writer.message(for: Fixtures.alert("al-1", exercise: false)).status == drill.status)
            #expect(writer.message(for: Fixtures.alert("al-2", exercise: true)).status == drill.status)
            #expect(writer.message(for: Fixtures.alert("al-3")).note != nil)
        }
        #expect(!CAPOptions.Drill.allCases.map(\.status).contains(.actual))
    }

    @Test func eventNames() {
        #expect(CAPMapping.eventName("border_crossing") == "Border crossing")
        #expect(CAPMapping.eventName("camera_offline") == "Camera offline")
        #expect(CAPMapping.eventName("coverage_gap") == "Coverage gap")
        #expect(CAPMapping.eventName("drone_sighting") == "Drone sighting")
        #expect(CAPMapping.eventName("night-vehicle") == "Night vehicle")
    }

    @Test func cameraOfflineIsAWiderCircleAroundTheCamera() throws {
        var writer = CAPWriter(options: Fixtures.options)
        let message = writer.message(for: Fixtures.alert("al-cam", kind: "camera_offline", severity: .medium))
        let info = message.info[0]
        #expect(info.event == "Camera offline")
        #expect(info.headline == "Camera offline: cam-rabia-03, cam-rabia-04, S07")
        let area = try #require(info.areas.first)
        #expect(area.circles.map(\.radiusKm) == [4])
        #expect(area.areaDesc.hasPrefix("Around cam-rabia-03"))
    }

    @Test func optionsAreChecked() {
        #expect(Fixtures.options.problem == nil)
        #expect(CAPOptions(sender: "vigil at host").problem != nil)
        #expect(CAPOptions(sender: "a,b").problem != nil)
        var options = Fixtures.options
        options.targetRadiusKm = 0
        #expect(options.problem != nil)
        #expect(CAPOptions.defaultSender(hostName: "post 7, <north>") == "vigil@post7north>")
        #expect(CAPOptions.defaultSender(hostName: "") == "vigil@localhost")
    }
}
