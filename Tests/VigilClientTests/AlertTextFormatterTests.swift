import Testing
@testable import VigilClient
import VigilWire

/// `vigil tail --format text`'s lines: what each kind of alert says, the cameras abbreviated or
/// listed, the exercise mark, colour on and off, and nothing from the wire that can drive a terminal.
@Suite struct AlertTextFormatterTests {
    /// The contract's example (CONTRACT.md section 2): a raised critical crossing of three people.
    static let crossing = AlertMessage(
        seq: 1042, id: "al-7f3a9c21", state: .raised, kind: "border_crossing", severity: .critical, objectClass: .person, count: 3,
        sector: "S07", zone: "iq-sy-border", position: GeoPoint(lat: 36.79213, lon: 42.08931), direction: "SY->IQ",
        cameras: ["cam-rabia-03", "cam-rabia-04"], firstTs: 1_795_228_381_000, lastTs: 1_795_228_387_250, emittedTs: 1_795_228_387_253)

    /// A coverage gap with its stretch, as the engine writes it: class unknown, count its cameras.
    static let gap = AlertMessage(
        seq: 7, id: "al-gap-1", state: .raised, kind: "coverage_gap", severity: .high, objectClass: .unknown, count: 2,
        sector: "S12", zone: "iq-sy-border", position: GeoPoint(lat: 36.8325, lon: 42.105), cameras: ["cam-rabia-16", "cam-rabia-17"],
        firstTs: 1_795_228_381_000, lastTs: 1_795_228_381_000, emittedTs: 1_795_228_381_004, rule: "gap-border",
        stretch: AlertStretch(
            border: "iq-sy-border", fromKm: 556.1, toKm: 559.34, from: GeoPoint(lat: 36.82, lon: 42.09), to: GeoPoint(lat: 36.845, lon: 42.12)))

    /// Seven cameras of one gateway gone silent together.
    static let offline = AlertMessage(
        seq: 8, id: "al-off-1", state: .raised, kind: "camera_offline", severity: .medium, objectClass: .unknown, count: 7,
        sector: "S12", zone: "iq-sy-border", position: GeoPoint(lat: 36.8325, lon: 42.105),
        cameras: (11...17).map { "cam-rabia-\($0)" }, firstTs: 1_795_228_381_000, lastTs: 1_795_228_381_000, emittedTs: 1_795_228_381_004)

    static let rabia = AlertLocation(place: .init(name: "Rabia", country: "iq"), km: 553.02)

    @Test func aRaisedCriticalCrossingSaysWhenWhatWhereWhichWayAndWho() {
        let line = AlertTextFormatter().line(for: Self.crossing, location: Self.rabia)
        #expect(
            line == "2026-11-21 02:33:07Z CRITICAL border_crossing raised    near Rabia (IQ), km 553.0  SY->IQ  3 person  "
                + "cam-rabia-03, cam-rabia-04  zone iq-sy-border")
    }

    @Test func whereSaysWhatIsKnownAndNothingWhenNothingIs() {
        let formatter = AlertTextFormatter()
        let placeOnly = formatter.line(for: Self.crossing, location: AlertLocation(place: .init(name: "Sinjar")))
        #expect(placeOnly.contains("raised    near Sinjar  SY->IQ  "), "\(placeOnly)")
        let kmOnly = formatter.line(for: Self.crossing, location: AlertLocation(km: 12.349))
        #expect(kmOnly.contains("raised    km 12.3  SY->IQ  "), "\(kmOnly)")
        let nowhere = formatter.line(for: Self.crossing, location: nil)
        #expect(nowhere.contains("raised    SY->IQ  3 person  "), "\(nowhere)")
        #expect(formatter.line(for: Self.crossing, location: AlertLocation()) == nowhere)
    }

    @Test func aCoverageGapShowsItsStretchInsteadOfAPlaceAndNoTargets() {
        let line = AlertTextFormatter().line(for: Self.gap, location: Self.rabia)
        #expect(line == "2026-11-21 02:33:01Z HIGH     coverage_gap    raised    km 556.1–559.3  cam-rabia-16, cam-rabia-17  zone iq-sy-border")
    }

    @Test func aCameraOfflineListsEveryCameraAfterTheirNumber() {
        let line = AlertTextFormatter().line(for: Self.offline, location: Self.rabia)
        #expect(
            line == "2026-11-21 02:33:01Z MEDIUM   camera_offline  raised    near Rabia (IQ), km 553.0  7 cameras: cam-rabia-11, "
                + "cam-rabia-12, cam-rabia-13, cam-rabia-14, cam-rabia-15, cam-rabia-16, cam-rabia-17  zone iq-sy-border")
        var one = Self.offline
        one.cameras = ["cam-rabia-11"]
        #expect(AlertTextFormatter().line(for: one).hasSuffix("raised    cam-rabia-11  zone iq-sy-border"))
    }

    @Test func aTargetsCamerasPastThreeAreTheFirstTwoAndHowManyMore() {
        var alert = Self.crossing
        alert.cameras = ["cam-a", "cam-b", "cam-c"]
        #expect(AlertTextFormatter().line(for: alert).contains("  cam-a, cam-b, cam-c  "))
        alert.cameras = ["cam-a", "cam-b", "cam-c", "cam-d", "cam-e", "cam-f"]
        #expect(AlertTextFormatter().line(for: alert).contains("  3 person  cam-a, cam-b +4  zone "))
        alert.cameras = []
        #expect(AlertTextFormatter().line(for: alert).hasSuffix("  3 person  zone iq-sy-border"))
    }

    @Test func anExerciseIsMarkedAtTheEnd() {
        var alert = Self.gap
        #expect(!AlertTextFormatter().line(for: alert).contains("EXERCISE"))
        alert.exercise = true
        #expect(AlertTextFormatter().line(for: alert).hasSuffix("  zone iq-sy-border  EXERCISE"))
        #expect(AlertTextFormatter(colour: true).line(for: alert).hasSuffix("  zone iq-sy-border  EXERCISE"))
    }

    @Test func withoutColourThereIsNoEscapeCode() {
        for severity in Severity.allCases {
            for state in AlertMessage.State.allCases {
                var alert = Self.crossing
                alert.severity = severity
                alert.state = state
                #expect(!AlertTextFormatter(colour: false).line(for: alert).contains("\u{1B}"))
            }
        }
    }

    @Test func withColourTheSeverityIsColouredAndItsPaddingNot() {
        let expected: [Severity: String] = [
            .critical: "\u{1B}[1;31mCRITICAL\u{1B}[0m ", .high: "\u{1B}[31mHIGH\u{1B}[0m     ",
            .medium: "\u{1B}[33mMEDIUM\u{1B}[0m   ", .low: "\u{1B}[36mLOW\u{1B}[0m      ",
        ]
        for (severity, column) in expected {
            var alert = Self.crossing
            alert.severity = severity
            let line = AlertTextFormatter(colour: true).line(for: alert, location: Self.rabia)
            #expect(line == "2026-11-21 02:33:07Z " + column + "border_crossing raised    near Rabia (IQ), km 553.0  SY->IQ  "
                + "3 person  cam-rabia-03, cam-rabia-04  zone iq-sy-border")
        }
    }

    @Test func withColourAResolvedLineIsDimSeverityIncluded() {
        var alert = Self.crossing
        alert.state = .resolved
        let line = AlertTextFormatter(colour: true).line(for: alert)
        #expect(
            line == "\u{1B}[2m2026-11-21 02:33:07Z \u{1B}[2;31mCRITICAL\u{1B}[0m\u{1B}[2m border_crossing resolved  SY->IQ  3 person  "
                + "cam-rabia-03, cam-rabia-04  zone iq-sy-border\u{1B}[0m")
        #expect(!AlertTextFormatter(colour: false).line(for: alert).contains("\u{1B}"))
    }

    @Test func colourByDefaultOnlyOnATerminalWithoutNoColor() {
        func colours(_ terminal: Bool, _ environment: [String: String]) -> Bool {
            AlertTextFormatter.coloursByDefault(standardOutputIsTerminal: terminal, environment: environment)
        }
        #expect(colours(true, [:]))
        #expect(colours(true, ["TERM": "xterm-256color"]))
        #expect(!colours(false, [:]), "never when piped")
        #expect(!colours(true, ["NO_COLOR": "1"]))
        #expect(colours(true, ["NO_COLOR": ""]), "no-color.org: an empty NO_COLOR is not set")
        #expect(!colours(true, ["TERM": "dumb"]))
    }

    @Test func nothingFromTheWireCanDriveTheTerminalOrBreakTheLine() {
        var alert = Self.crossing
        alert.kind = "x\u{1B}[2Jy"
        alert.zone = "z\nalert.critical"
        alert.direction = "\u{202E}QI<-YS"
        alert.cameras = ["cam\u{7}", "cam\u{9B}31m"]
        let line = AlertTextFormatter(colour: true).line(for: alert)
        #expect(line.unicodeScalars.filter { $0 == "\u{1B}" }.count == 2, "only the severity's own codes: \(line.debugDescription)")
        #expect(!line.contains("\n") && !line.unicodeScalars.contains("\u{202E}") && !line.unicodeScalars.contains("\u{9B}"))
        #expect(line.contains("x\u{FFFD}[2Jy") && line.contains("zone z\u{FFFD}alert.critical"))
    }

    @Test func timesAreUTCToTheSecondRoundedDown() {
        #expect(AlertTextFormatter.time(millisecondsSince1970: 0) == "1970-01-01 00:00:00Z")
        #expect(AlertTextFormatter.time(millisecondsSince1970: 999) == "1970-01-01 00:00:00Z")
        #expect(AlertTextFormatter.time(millisecondsSince1970: -1) == "1969-12-31 23:59:59Z")
        #expect(AlertTextFormatter.time(millisecondsSince1970: AlertMessage.latestTimestamp) == "9999-12-31 23:59:59Z")
        #expect(AlertTextFormatter.time(millisecondsSince1970: 1_795_228_387_250) == "2026-11-21 02:33:07Z")
    }

    @Test func kmHaveOneDecimal() {
        #expect(AlertTextFormatter.tenths(412.25) == "412.3")
        #expect(AlertTextFormatter.tenths(0.04) == "0.0")
        #expect(AlertTextFormatter.tenths(-0.04) == "0.0")
        #expect(AlertTextFormatter.tenths(-1.25) == "-1.3")
        #expect(AlertTextFormatter.tenths(598.946) == "598.9")
        #expect(AlertTextFormatter.tenths(.infinity) == "inf")
        #expect(AlertTextFormatter.tenths(1e300) == "1e+300")
    }
}
