import Foundation
import Testing
@testable import VigilCore

/// The engine's output and state, byte for byte, against fixtures written by an earlier build
/// (`Fixtures/engine-golden.*`): a refactoring of the engine must change neither the alerts nor
/// the state the journal keeps (a daemon upgraded must resume the state the old one wrote).
///
/// The scene, on the test border with both test cameras and the camera health rules beside the
/// target rules: a group of four crossing, a straggler joining it, a lone walker the other way, a
/// dweller in the strip, a herd (suppressed), camera `cam-b` running 1.5 s ahead and then silent
/// from 100 s to 170 s (offline, a coverage gap, back).
///
/// `VIGIL_WRITE_GOLDEN=1 swift test --filter EngineGoldenTests` writes the fixtures anew.
@Suite struct EngineGoldenTests {
    static let rules = AlertEngineTests.rules + CameraHealthTests.rules

    static let frames: [FrameScript.Frame] = {
        // EngineStateTests' scene, and a herd.
        let herd = FrameScript.Actor(objectClass: .animal, count: 3, fromM: -80, toM: 80, lat: 36.505, start: 20, seconds: 100)
        var script = FrameScript(actors: EngineStateTests.actors + [herd], until: 240)
        script.skewMs = [0, 1_500]
        let t0 = AlertEngineTests.Harness().t0
        let silent = (t0 + 100_000)..<(t0 + 170_000 + 1_500)
        return script.frames().filter { $0.camera != 1 || !silent.contains($0.report.ts) }
    }()

    static func engine() -> AlertEngine {
        AlertEngine(cameras: AlertEngineTests.cameras, zones: AlertEngineTests.zones, rules: rules)
    }

    static func snapshot(_ engine: AlertEngine) -> [UInt8] {
        var w = StateWriter()
        engine.encodeState(to: &w)
        return w.bytes
    }

    /// The frames at which the state is taken: across the scene, and at its end.
    static let snapshotFrames = Array(stride(from: 150, to: frames.count, by: 250)) + [frames.count]

    /// Runs the scene: every frame at its `ts` as wall time (the silent camera's gap included: the
    /// expiry timer runs with each frame), the alerts as encoded, the states as hex, one a line.
    static func run() -> (alerts: String, states: String, snapshots: [[UInt8]]) {
        var engine = engine()
        var alerts: [AlertMessage] = []
        var snapshots: [[UInt8]] = []
        var states = ""
        for (index, frame) in frames.enumerated() {
            _ = engine.process(frame.report, camera: frame.camera, wallNowMs: frame.report.ts, into: &alerts)
            engine.expire(wallNowMs: frame.report.ts, into: &alerts)
            if snapshotFrames.contains(index + 1) {
                let bytes = snapshot(engine)
                snapshots.append(bytes)
                states += "frame \(index + 1): " + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() + "\n"
            }
        }
        var lines = ""
        for (i, alert) in alerts.enumerated() {
            lines += String(decoding: AlertEncoder.encode(alert, seq: UInt64(i + 1), emittedTs: alert.lastTs), as: UTF8.self) + "\n"
        }
        return (lines, states, snapshots)
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func theAlertsAndTheStateAreTheFixturesByteForByte() throws {
        let (alerts, states, _) = Self.run()
        let alertsURL = Self.fixtures.appendingPathComponent("engine-golden.alerts.ndjson")
        let statesURL = Self.fixtures.appendingPathComponent("engine-golden.states.hex")
        if ProcessInfo.processInfo.environment["VIGIL_WRITE_GOLDEN"] == "1" {
            try alerts.write(to: alertsURL, atomically: true, encoding: .utf8)
            try states.write(to: statesURL, atomically: true, encoding: .utf8)
        }
        let kinds = Set(alerts.split(separator: "\n").compactMap { line in line.range(of: #""kind":"[a-z_]+""#, options: .regularExpression).map { String(line[$0]) } })
        #expect(kinds.count == 4, "crossings, intrusions, camera offline and coverage gap: \(kinds.sorted())")
        #expect(alerts == (try String(contentsOf: alertsURL, encoding: .utf8)), "the alerts, byte for byte")
        let expected = try String(contentsOf: statesURL, encoding: .utf8).split(separator: "\n")
        let actual = states.split(separator: "\n")
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(a == e, "the state at \(e.prefix(12))") }
    }

    /// The states of a fixture file, each with its line's label.
    static func states(_ name: String) throws -> [(label: Substring, bytes: [UInt8])] {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map { line in
            let hex = Array(line.split(separator: " ").last!.utf8)
            var bytes: [UInt8] = []
            var i = 0
            while i + 1 < hex.count {
                bytes.append(UInt8(String(decoding: hex[i...i + 1], as: UTF8.self), radix: 16)!)
                i += 2
            }
            return (line.prefix(12), bytes)
        }
    }

    @Test func aStateRestoredFromTheFixturesEncodesToTheSameBytes() throws {
        for (label, bytes) in try Self.states("engine-golden.states.hex") {
            var engine = Self.engine()
            var reader = StateReader(bytes)
            try engine.restoreState(from: &reader, takenWallMs: 0, wallNowMs: 0)
            #expect(Self.snapshot(engine) == bytes, "\(label)")
        }
    }

    /// The same scene's states as the builds before wrote them: before the cameras' forgiven
    /// downtime was kept (f5afab5), and before their last heard event time was (cd6825c). A
    /// daemon upgraded resumes them, with no downtime forgiven and no heard time known.
    @Test(arguments: [("engine-golden.states-before-forgiven.hex", true), ("engine-golden.states-before-heard-ts.hex", false)])
    func aStateOfABuildBeforeIsResumed(fixture: String, withoutForgiven: Bool) throws {
        let cameraCount = AlertEngineTests.cameras.cameras.count
        var added = StateWriter()
        if withoutForgiven { added.put([Int64](repeating: 0, count: cameraCount)) { $0.put($1) } }
        added.put([Int64?](repeating: nil, count: cameraCount)) { w, ts in w.put(ts) { $0.put($1) } }
        for (label, bytes) in try Self.states(fixture) {
            var engine = Self.engine()
            var reader = StateReader(bytes)
            try engine.restoreState(from: &reader, takenWallMs: 0, wallNowMs: 0)
            #expect(Self.snapshot(engine) == bytes + added.bytes, "\(label)")
        }
    }
}
