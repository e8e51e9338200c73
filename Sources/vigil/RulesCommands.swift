import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilCapture

/// `vigil rules`: check the rules, and test them against a recorded feed.
struct RulesCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check the alert rules, and see which rule fired for each alert of a recorded feed, and why.",
        subcommands: [Check.self, TestCapture.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the rules as vigild would and list them in order of evaluation; exit 78 naming the rule and key at fault.")

        @Option(name: .shortAndLong, help: "The daemon's settings file; the rules are read beside it.")
        var config = "Config/vigild.yaml"

        func run() throws {
            let configuration = try loadConfiguration(config)
            print("\(configuration.rules.count) rules, schedules in \(configuration.siteTime.name); evaluated in this order:")
            for (i, rule) in configuration.rules.enumerated() {
                var matchers: [String] = []
                if let events = rule.events { matchers.append("event \(events.map(\.rawValue).joined(separator: ","))") }
                if let zone = rule.zoneID { matchers.append("zone \(zone)") }
                if let kind = rule.zoneKind { matchers.append("zone_kind \(kind.rawValue)") }
                if let classes = rule.classes { matchers.append("classes \(classes.map(\.rawValue).sorted().joined(separator: ","))") }
                if rule.minConf > 0 { matchers.append("min_conf \(rule.minConf)") }
                if rule.minCount > 1 { matchers.append("min_count \(rule.minCount)") }
                if let cameras = rule.cameras { matchers.append("cameras \(cameras.joined(separator: ","))") }
                if rule.schedule != nil { matchers.append("scheduled") }
                if rule.covers(.dwell) && rule.afterSeconds > 0 { matchers.append("after_s \(rule.afterSeconds)") }
                var action: String
                switch rule.action {
                case .suppress: action = "suppress"
                case .alert(let kind, let severity): action = "\(kind) \(severity.rawValue)"
                }
                for step in rule.escalations { action += ", \(step.severity.rawValue) from \(step.minCount)" }
                if !rule.inhibits.isEmpty { action += ", inhibits \(rule.inhibits.joined(separator: ","))" }
                print("  [\(i)] \(rule.name): \(matchers.isEmpty ? "everything" : matchers.joined(separator: ", ")) -> \(action)")
            }
            print(
                "precedence: a matching suppress rule silences the events it covers (not cross unless it names it); inhibited kinds are out; then the highest severity, first listed on a tie"
            )
            let warnings = RuleWarnings.crossingBlockers(configuration.rules)
            for warning in warnings { print("warning: \(warning)") }
            if warnings.isEmpty { print("no rule can keep a border crossing from being raised") }
        }
    }

    struct TestCapture: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Replay a capture and show, for each alert, which rule fired and why; for a target, why nothing fired.",
            discussion: """
                Replays FILE (from `vigil record`) exactly as `vigil replay` does. For each raised or updated alert it \
                prints the rule named in the alert and, for each live member of the incident, the facts the rules saw \
                (crossings, zones and dwell times), every rule in order with what matched or the first matcher that \
                did not, and the verdict. With --track CAMERA:TRACK it follows that camera track instead and prints the \
                explanation each time it changes: why an alert came, or why none did.
                """)

        @Argument(help: ArgumentHelp("The capture file (from `vigil record`).", valueName: "file"))
        var file: String

        @Option(name: .shortAndLong, help: "The daemon's settings file; zones, cameras and rules are read beside it.")
        var config = "Config/vigild.yaml"

        @Option(help: ArgumentHelp("Follow this camera track (repeatable), e.g. cam-rabia-17:412.", valueName: "camera:track"))
        var track: [String] = []

        func validate() throws {
            for value in track where Self.parse(value) == nil {
                throw ValidationError("--track \(value): expected CAMERA:TRACK, e.g. cam-rabia-17:412")
            }
        }

        static func parse(_ value: String) -> (camera: String, track: UInt32)? {
            guard let colon = value.lastIndex(of: ":"), let track = UInt32(value[value.index(after: colon)...]) else { return nil }
            let camera = String(value[..<colon])
            return Identifier.isValid(camera) ? (camera, track) : nil
        }

        func run() throws {
            let configuration = try loadConfiguration(config)
            let reader: CaptureReader
            do { reader = try CaptureReader(path: file) } catch {
                FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
                throw ExitCode(error.line == nil ? 66 : 65)
            }
            defer { reader.close() }
            let followed = track.compactMap(Self.parse)
            var replayer = Replayer(configuration: configuration)
            var last: [String: RuleExplanation] = [:]
            var seen = Set<String>()
            var pendingAlerts: [AlertMessage] = []
            do {
                while let message = try reader.next() {
                    replayer.feed(try Replayer.checked(message, from: reader), onMessage: { processed in
                        guard !followed.isEmpty, let frame = processed.frame else { return }
                        for (camera, track) in followed where frame.report.camera == camera && frame.report.detections.contains(where: { $0.track == track }) {
                            seen.insert("\(camera):\(track)")
                        }
                    }) { pendingAlerts.append($0) }
                    for alert in pendingAlerts { report(alert, engine: replayer.engine) }
                    pendingAlerts.removeAll()
                    for (camera, track) in followed {
                        let key = "\(camera):\(track)"
                        guard let explanation = replayer.engine.explain(camera: camera, track: track) else { continue }
                        if let previous = last[key], previous.outcomes == explanation.outcomes, previous.verdict == explanation.verdict {
                            continue
                        }
                        last[key] = explanation
                        print("\(key) at ts \(explanation.ts):")
                        for line in explanation.lines { print("  \(line)") }
                    }
                }
                replayer.finish { pendingAlerts.append($0) }
                for alert in pendingAlerts { report(alert, engine: replayer.engine) }
            } catch {
                FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
                throw ExitCode(65)
            }
            for (camera, track) in followed where !seen.contains("\(camera):\(track)") {
                print("\(camera):\(track) never appears in \(file)")
            }
            let summary = replayer.summary
            print("\(summary.messages) messages, \(summary.accepted) accepted; alerts: \(summary.raised) raised, \(summary.updated) updated, \(summary.resolved) resolved")
        }

        private func report(_ alert: AlertMessage, engine: AlertEngine) {
            let event = alert
            print(
                "seq \(alert.seq) \(event.state.rawValue) \(event.id) \(event.kind) \(event.severity.rawValue) zone \(event.zone) count \(event.count)"
                    + " ts \(event.lastTs): rule \(event.rule ?? "-")")
            guard event.state != .resolved, track.isEmpty else { return }
            if event.kind == "camera_offline" || event.kind == "coverage_gap" {
                print("  cameras \(event.cameras.joined(separator: ", ")) silent (health.offline_after_s)\(event.stretch.map { "; border km \($0.fromKm)-\($0.toKm) unwatched" } ?? "")")
                return
            }
            for explanation in engine.explain(incident: event.id) {
                for line in explanation.lines { print("  \(line)") }
            }
        }
    }
}
