import Foundation
import VigilCore

/// The `silence` commands of the control socket:
///
/// - `silence add {"camera":…,"zone":…,"kind":…,"severity":…,"expires_ms":…,"comment":…}` (a
///   ``SilenceMessage``) → `{"ok":true,"silence":{…}}` with the id assigned;
/// - `silence list` → `{"ok":true,"silences":[…]}`;
/// - `silence remove <id>` → `{"ok":true}`, or `{"ok":false,"error":…}` for an unknown id.
enum SilenceCommand {
    /// The answer to `command` from `operator` (the key's name with CURVE; nil in plaintext),
    /// a new silence lasting at most `maxDurationMs`.
    static func answer(_ command: String, operator user: String?, maxDurationMs: Int64, processing: ProcessingStage) -> [UInt8] {
        let parts = command.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        switch parts.count > 1 ? parts[1] : "" {
        case "add" where parts.count == 3:
            let request: SilenceMessage
            do throws(RequestRefusal) { request = try SilenceMessage.decode(Array(parts[2].utf8)) } catch {
                return failure("silence add: \(error)")
            }
            switch processing.addSilence(request, operator: user, maxDurationMs: maxDurationMs) {
            case .success(let silence): return Array(#"{"ok":true,"silence":"#.utf8) + silence.message.encoded() + [UInt8(ascii: "}")]
            case .failure(let error): return failure("silence add: \(error)")
            }
        case "list":
            return Array(#"{"ok":true,"silences":"#.utf8) + SilenceMessage.encode(processing.silences().map(\.message)) + [UInt8(ascii: "}")]
        case "remove" where parts.count == 3:
            return processing.removeSilence(id: parts[2], operator: user) ? reply(["ok": true]) : failure("silence remove: no silence has id \(parts[2])")
        default:
            return failure("expected silence add <json>, silence list or silence remove <id>")
        }
    }

    private static func reply(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(#"{"ok":false}"#.utf8))
    }

    private static func failure(_ message: String) -> [UInt8] {
        reply(["ok": false, "error": message])
    }
}
