import ArgumentParser
import Foundation
import VigilCore

/// `vigil silence`: add, list and remove silences in the running daemon (which keeps them
/// across restarts in its state directory).
struct SilenceCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Silence alerts by camera, zone, kind or severity until an expiry; list and remove silences.",
        discussion: """
            A silenced incident is still tracked: if the silence ends (expires or is removed) while the incident \
            is open, it is published then, as raised. An incident consumers have already seen always gets its \
            resolved message. Silences survive a daemon restart.
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a silence; prints its id.")

        @OptionGroup var endpoint: ControlEndpoint
        @Option(help: "Incidents seen by this camera.") var camera: String?
        @Option(help: "Incidents in this zone.") var zone: String?
        @Option(help: "Incidents of this kind.") var kind: String?
        @Option(help: "Incidents of this severity.") var severity: String?
        @Option(name: .customLong("for"), help: "How long: 90s, 30m, 2h, 1d.") var duration: String?
        @Option(help: "Until this time (ISO 8601, e.g. 2026-11-25T06:00:00+03:00).") var until: String?
        @Option(help: "Who and why.") var comment = ""

        func validate() throws {
            guard camera != nil || zone != nil || kind != nil || severity != nil else {
                throw ValidationError("give at least one matcher: --camera, --zone, --kind or --severity")
            }
            guard (duration == nil) != (until == nil) else { throw ValidationError("give exactly one of --for and --until") }
        }

        func run() throws {
            let nowMs = Int64(Date().timeIntervalSince1970 * 1_000)
            let expires: Int64
            if let duration {
                guard let ms = Self.milliseconds(duration) else { throw ValidationError("--for \(duration): expected a number with s, m, h or d, e.g. 2h") }
                let (sum, overflow) = nowMs.addingReportingOverflow(ms)
                guard !overflow else { throw ValidationError("--for \(duration): too long; the end would be past the year 292,000,000") }
                expires = sum
            } else {
                guard let date = ISO8601DateFormatter().date(from: until!) else {
                    throw ValidationError("--until \(until!): expected an ISO 8601 time such as 2026-11-25T06:00:00+03:00")
                }
                guard let ms = Int64(exactly: (date.timeIntervalSince1970 * 1_000).rounded(.towardZero)) else {
                    throw ValidationError("--until \(until!): not a time vigild can hold")
                }
                expires = ms
            }
            let body = SilenceMessage(camera: camera, zone: zone, kind: kind, severity: severity, expiresMs: expires, comment: comment)
            let reply = try Failure.exiting { try endpoint.okReply("silence add \(String(decoding: body.encoded(), as: UTF8.self))") }
            print((try? SilenceMessage.decode(reply, member: "silence"))?.id ?? "?")
        }

        /// `90s`, `30m`, `2h`, `1d` in milliseconds; nil for anything else, and for a duration
        /// that is not positive or does not fit 64 bits of milliseconds (`1e300d`, `infd`, `nanh`).
        static func milliseconds(_ text: String) -> Int64? {
            guard let unit = text.last, let value = Double(text.dropLast()), value > 0, value.isFinite else { return nil }
            let scale: Double
            switch unit {
            case "s": scale = 1_000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            default: return nil
            }
            return Int64(exactly: (value * scale).rounded(.towardZero))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the silences in force.")

        @OptionGroup var endpoint: ControlEndpoint
        @Flag(help: "Print the daemon's JSON answer.") var json = false

        func run() throws {
            let reply = try Failure.exiting { try endpoint.okReply("silence list") }
            let silences = try Failure.exiting { () throws -> [SilenceMessage] in
                do { return try SilenceMessage.decodeList(reply, key: "silences") } catch {
                    throw Failure("the daemon's answer to silence list is not a list of silences: \(error)", code: 70)
                }
            }
            if json {
                print(String(decoding: SilenceMessage.encode(silences), as: UTF8.self))
                return
            }
            guard !silences.isEmpty else {
                print("no silences")
                return
            }
            let formatter = ISO8601DateFormatter()
            for silence in silences {
                let matchers = [("camera", silence.camera), ("zone", silence.zone), ("kind", silence.kind), ("severity", silence.severity)]
                    .compactMap { key, value in value.map { "\(key)=\($0)" } }
                let expires = Date(timeIntervalSince1970: Double(silence.expiresMs) / 1_000)
                print("\(silence.id ?? "?")  \(matchers.joined(separator: " "))  until \(formatter.string(from: expires))  \(silence.comment ?? "")")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a silence; open incidents it held back are published.")

        @OptionGroup var endpoint: ControlEndpoint
        @Argument(help: "The silence's id (from add or list).") var id: String

        func run() throws {
            _ = try Failure.exiting { try endpoint.request("silence remove \(id)") }
        }
    }
}
