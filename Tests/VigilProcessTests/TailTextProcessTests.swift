import Foundation
import Testing

/// `vigil tail --format text --stdin` as a process: alert NDJSON in, one line each out, placed by
/// the default configuration and its places; colour only when asked for, as standard output is
/// a file here; a configuration it cannot read said once and no reason to fail.
@Suite struct TailTextProcessTests {
    /// The contract's example, raised then resolved, a coverage gap marked as an exercise, and a
    /// heartbeat, which is not an alert message.
    static let crossing = """
        {"v":1,"seq":1042,"id":"al-7f3a9c21","state":"raised","kind":"border_crossing","severity":"critical","class":"person",\
        "count":3,"sector":"S07","zone":"iq-sy-border","lat":36.79213,"lon":42.08931,"direction":"SY->IQ",\
        "cameras":["cam-rabia-03","cam-rabia-04"],"first_ts":1795228381000,"last_ts":1795228387250,"emitted_ts":1795228387253}
        """
    static let resolved = crossing.replacingOccurrences(of: #""state":"raised""#, with: #""state":"resolved""#)
    static let gap = """
        {"v":1,"seq":7,"id":"al-gap-1","state":"raised","kind":"coverage_gap","severity":"high","class":"unknown",\
        "count":1,"sector":"S12","zone":"iq-sy-border","lat":36.8325,"lon":42.105,"cameras":["cam-rabia-16"],\
        "first_ts":1795228381000,"last_ts":1795228381000,"emitted_ts":1795228381004,"exercise":true,\
        "stretch":{"border":"iq-sy-border","from_km":556.1,"to_km":559.3,"km":3.2,"from":[36.82,42.09],"to":[36.845,42.12]}}
        """
    static let input = [crossing, gap, resolved].joined(separator: "\n") + "\n"

    /// Runs `vigil tail --stdin` with `arguments` on `input`; exit status, standard output, standard error.
    func tail(_ arguments: [String], input: String = Self.input) throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try Child("vigil", ["tail", "--stdin"] + arguments, standardInput: input)
        let status = child.wait(seconds: 30)
        if status == nil { child.stop() }
        return (status, child.stdout, child.stderr)
    }

    @Test func eachAlertIsOneLinePlacedOnTheBorderWithoutColourIntoAFile() throws {
        let result = try tail(["--format", "text"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(
            result.stdout.split(separator: "\n", omittingEmptySubsequences: false) == [
                "2026-11-21 02:33:07Z CRITICAL border_crossing raised    near Rabia (IQ), km 553.0  SY->IQ  3 person  cam-rabia-03, cam-rabia-04  zone iq-sy-border",
                "2026-11-21 02:33:01Z HIGH     coverage_gap    raised    km 556.1–559.3  cam-rabia-16  zone iq-sy-border  EXERCISE",
                "2026-11-21 02:33:07Z CRITICAL border_crossing resolved  near Rabia (IQ), km 553.0  SY->IQ  3 person  cam-rabia-03, cam-rabia-04  zone iq-sy-border",
                "",
            ])
    }

    @Test func colourWhenAskedForAndTheFiltersStillApply() throws {
        let coloured = try tail(["--format", "text", "--color", "always", "--min-severity", "critical"])
        #expect(coloured.status == 0, "\(coloured.stderr)")
        let lines = coloured.stdout.split(separator: "\n")
        #expect(lines.count == 2, "the high gap filtered out: \(coloured.stdout)")
        #expect(lines.first?.contains("\u{1B}[1;31mCRITICAL\u{1B}[0m") == true, "\(coloured.stdout.debugDescription)")
        #expect(lines.last?.hasPrefix("\u{1B}[2m") == true, "the resolved line is dim")
        let plain = try tail(["--format", "text", "--color", "never"])
        #expect(plain.status == 0 && !plain.stdout.contains("\u{1B}") && plain.stdout.split(separator: "\n").count == 3)
    }

    @Test func aConfigurationThatCannotBeReadIsSaidOnceAndTheLinesGoOn() throws {
        let result = try tail(["--format", "text", "--config", "/nonexistent/vigild.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "cannot read the configuration").count == 2, "once: \(result.stderr)")
        #expect(result.stderr.contains("/nonexistent/vigild.yaml"))
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first == "2026-11-21 02:33:07Z CRITICAL border_crossing raised    SY->IQ  3 person  cam-rabia-03, cam-rabia-04  zone iq-sy-border")
        #expect(!result.stdout.contains("near"))
    }

    @Test func aHeartbeatIsNoAlertAndTextOptionsNeedTextFormat() throws {
        let heartbeat = try tail(["--format", "text"], input: #"{"v":1,"latest_seq":5310,"oldest_seq":1,"ts":1795228387253}"# + "\n" + Self.crossing + "\n")
        #expect(heartbeat.status == 65, "as with json and cap: \(heartbeat.stderr)")
        #expect(heartbeat.stderr.contains("standard input line 1 skipped"))
        #expect(heartbeat.stdout.split(separator: "\n").count == 1)
        let misplaced = try tail(["--color", "always"])
        #expect(misplaced.status == 64)
        #expect(misplaced.stderr.contains("--config, --places and --color need --format text"), "\(misplaced.stderr)")
    }
}
