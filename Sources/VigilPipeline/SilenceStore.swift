import Foundation
import VigilCore

/// Keeps the silences in `<state dir>/silences.json`, so they survive a restart. Rewritten
/// whole on every change (a handful of silences), atomically: a temporary file renamed over
/// the old one, so a crash leaves the old list or the new one, never half of either.
struct SilenceStore {
    let path: String

    init(directory: String) {
        path = URL(fileURLWithPath: directory).appendingPathComponent("silences.json").path
    }

    /// The silences on disk that have not expired by `nowMs`; none when there is no file yet.
    func load(nowMs: Int64) throws(DaemonError) -> [Silence] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let stored = try JSONDecoder().decode(StoredSilences.self, from: data)
            return try stored.silences.map { try $0.silence() }.filter { $0.expiresMs > nowMs }
        } catch {
            throw DaemonError(.state, "cannot read the silences in \(path): \(error)")
        }
    }

    /// Writes `silences` in place of what is on disk.
    func save(_ silences: [Silence]) throws(DaemonError) {
        do {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(StoredSilences(silences: silences.map(SilenceJSON.init)))
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DaemonError(.state, "cannot write the silences to \(path): \(error)")
        }
    }
}

private struct StoredSilences: Codable {
    var version = 1
    var silences: [SilenceJSON]
}

/// A silence as JSON: in `silences.json` and in the control protocol (`silence add`, `silence list`).
struct SilenceJSON: Codable, Equatable {
    var id: String?
    var camera: String?
    var zone: String?
    var kind: String?
    var severity: String?
    var createdMs: Int64?
    var expiresMs: Int64
    var comment: String?

    enum CodingKeys: String, CodingKey {
        case id, camera, zone, kind, severity, comment
        case createdMs = "created_ms"
        case expiresMs = "expires_ms"
    }

    /// Reads the JSON form. The times must be whole numbers of epoch ms that fit 64 bits;
    /// another value (`1e400`, `9223372036854775808`, `1.5`, a string) is refused with a
    /// ``WholeNumberField/Refusal`` that names the field and says what it holds.
    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        id = try fields.decodeIfPresent(String.self, forKey: .id)
        camera = try fields.decodeIfPresent(String.self, forKey: .camera)
        zone = try fields.decodeIfPresent(String.self, forKey: .zone)
        kind = try fields.decodeIfPresent(String.self, forKey: .kind)
        severity = try fields.decodeIfPresent(String.self, forKey: .severity)
        comment = try fields.decodeIfPresent(String.self, forKey: .comment)
        let time = "epoch milliseconds, a whole number from \(Int64.min) to \(Int64.max)"
        if fields.contains(.createdMs), !(try fields.decodeNil(forKey: .createdMs)) {
            createdMs = try WholeNumberField.decode(Int64.self, CodingKeys.createdMs, in: fields, expected: time).get()
        }
        guard fields.contains(.expiresMs) else { throw WholeNumberField.Refusal("\"expires_ms\" is required: when the silence ends, \(time)") }
        expiresMs = try WholeNumberField.decode(Int64.self, CodingKeys.expiresMs, in: fields, expected: time).get()
    }

    init(_ silence: Silence) {
        id = silence.id
        camera = silence.camera
        zone = silence.zone
        kind = silence.kind
        severity = silence.severity?.rawValue
        createdMs = silence.createdMs
        expiresMs = silence.expiresMs
        comment = silence.comment
    }

    /// The silence, checked: identifiers where ids are expected, a known severity, a matcher.
    /// A new silence (`nowMs` given, from the control socket) is created now, whatever
    /// `created_ms` the request says; a stored one keeps its own.
    func silence(id newID: String? = nil, nowMs: Int64? = nil) throws(SilenceError) -> Silence {
        for (name, value) in [("camera", camera), ("zone", zone), ("kind", kind)] {
            if let value, !Identifier.isValid(value) { throw SilenceError("\(name) \"\(value)\" is not an identifier ([A-Za-z0-9_-]{1,64})") }
        }
        var level: Severity?
        if let severity {
            guard let known = Severity(rawValue: severity) else {
                throw SilenceError("severity \"\(severity)\" is not one of critical, high, medium, low")
            }
            level = known
        }
        guard let silenceID = newID ?? id else { throw SilenceError("a stored silence has no id") }
        let silence = Silence(
            id: silenceID, camera: camera, zone: zone, kind: kind, severity: level, createdMs: nowMs ?? createdMs ?? 0, expiresMs: expiresMs,
            comment: comment ?? "")
        guard silence.hasMatchers else { throw SilenceError("a silence needs at least one matcher: camera, zone, kind or severity") }
        if let nowMs, expiresMs <= nowMs { throw SilenceError("expires_ms \(expiresMs) is not in the future") }
        return silence
    }
}

/// Why a silence was refused.
struct SilenceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
