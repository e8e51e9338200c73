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
    /// Reads every `silences.json` written so far: the pretty-printed one of the first versions
    /// (JSONEncoder) as well as the one ``save(_:)`` writes.
    func load(nowMs: Int64) throws(DaemonError) -> [Silence] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let stored = try SilenceMessage.decodeList(Array(data), key: "silences")
            return try stored.map { (message) throws(RequestRefusal) in try Silence(message) }.filter { $0.expiresMs > nowMs }
        } catch {
            throw DaemonError(.state, "cannot read the silences in \(path): \(error)")
        }
    }

    /// Writes `silences` in place of what is on disk: `{"silences":[…],"version":1}`, one
    /// silence a line, each as the control socket writes it (``SilenceMessage``).
    func save(_ silences: [Silence]) throws(DaemonError) {
        var bytes = Array(#"{"silences":["#.utf8)
        for (index, silence) in silences.enumerated() {
            bytes.append(contentsOf: (index == 0 ? "\n" : ",\n").utf8)
            silence.message.encode(to: &bytes)
        }
        bytes.append(contentsOf: "\n],\"version\":1}\n".utf8)
        do {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DaemonError(.state, "cannot write the silences to \(path): \(error)")
        }
    }
}
