import Foundation
import VigilCore

/// The `silence` commands of the control socket:
///
/// - `silence add {"camera":…,"zone":…,"kind":…,"severity":…,"expires_ms":…,"comment":…}` →
///   `{"ok":true,"silence":{…}}` with the id assigned;
/// - `silence list` → `{"ok":true,"silences":[…]}`;
/// - `silence remove <id>` → `{"ok":true}`, or `{"ok":false,"error":…}` for an unknown id.
enum SilenceCommand {
    static func answer(_ command: String, processing: ProcessingStage) -> [UInt8] {
        let parts = command.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        switch parts.count > 1 ? parts[1] : "" {
        case "add" where parts.count == 3:
            let request: SilenceJSON
            do { request = try JSONDecoder().decode(SilenceJSON.self, from: Data(parts[2].utf8)) } catch let refusal as WholeNumberField.Refusal {
                return failure("silence add: \(refusal)")
            } catch {
                return failure("silence add: expected a JSON object with expires_ms and at least one of camera, zone, kind, severity: \(error)")
            }
            switch processing.addSilence(request) {
            case .success(let silence): return reply(["ok": true, "silence": object(silence)])
            case .failure(let error): return failure("silence add: \(error)")
            }
        case "list":
            return reply(["ok": true, "silences": processing.silences().map(object)])
        case "remove" where parts.count == 3:
            return processing.removeSilence(id: parts[2]) ? reply(["ok": true]) : failure("silence remove: no silence has id \(parts[2])")
        default:
            return failure("expected silence add <json>, silence list or silence remove <id>")
        }
    }

    private static func object(_ silence: Silence) -> [String: Any] {
        var object: [String: Any] = ["id": silence.id, "created_ms": silence.createdMs, "expires_ms": silence.expiresMs, "comment": silence.comment]
        if let camera = silence.camera { object["camera"] = camera }
        if let zone = silence.zone { object["zone"] = zone }
        if let kind = silence.kind { object["kind"] = kind }
        if let severity = silence.severity { object["severity"] = severity.rawValue }
        return object
    }

    private static func reply(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(#"{"ok":false}"#.utf8))
    }

    private static func failure(_ message: String) -> [UInt8] {
        reply(["ok": false, "error": message])
    }
}
