import VigilCore
import VigilWire

/// The control socket's fuzz target (`Fuzz/control`): the input is a `silence add` body, a
/// stored silences file and a `stats` reply at once.
///
/// - ``SilenceMessage/decode(_:)``, then, as the control server does with a new silence,
///   ``Silence/init(_:id:nowMs:createdBy:maxDurationMs:)`` at a fixed now with the default
///   seven-day bound, at the instant before its end with no bound, and at the earliest
///   instant; and as a stored one (no now). A silence that is made must be stored and read back
///   (`silences.json`, ``SilenceMessage/encode(_:)`` and ``SilenceMessage/decodeList(_:key:)``)
///   as itself.
/// - ``SilenceMessage/decodeList(_:key:)`` (`silences.json`, a `silence list` reply) and
///   ``SilenceMessage/decode(_:member:)`` (a `silence add` reply).
/// - ``StatsMessage/decode(_:)`` (a `stats` reply, as `vigil stats` reads it).
public enum ControlFuzz {
    /// The instant new silences are made at: 2026-11-21, in epoch ms.
    static let nowMs: Int64 = 1_795_228_380_000
    /// `silences.max_duration_h`'s default, 7 days.
    static let maxDurationMs: Int64 = 7 * 86_400_000

    /// Runs one input (any bytes).
    public static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = [UInt8](data)
        if let message = try? SilenceMessage.decode(bytes) {
            for (now, bound) in [(nowMs, maxDurationMs), (message.expiresMs &- 1, Int64.max), (Int64.min, maxDurationMs)] {
                if let silence = try? Silence(message, id: "si-fuzz", nowMs: now, createdBy: "operator", maxDurationMs: bound) {
                    storedAndReadBack(silence)
                }
            }
            if let stored = try? Silence(message) { storedAndReadBack(stored) }
        }
        if let list = try? SilenceMessage.decodeList(bytes, key: "silences") {
            for message in list { _ = try? Silence(message) }
        }
        _ = try? SilenceMessage.decode(bytes, member: "silence")
        _ = try? StatsMessage.decode(bytes)
    }

    /// `silence`, written to the silences file and read back, must be itself.
    static func storedAndReadBack(_ silence: Silence) {
        let file = Array(#"{"silences":"#.utf8) + SilenceMessage.encode([silence.message]) + [UInt8(ascii: "}")]
        let read = Result { () throws(RequestRefusal) in try SilenceMessage.decodeList(file, key: "silences").map { m throws(RequestRefusal) in try Silence(m) } }
        switch read {
        case .success(let silences): precondition(silences == [silence], "ControlFuzz: \(silence) reads back as \(silences)")
        case .failure(let refusal): preconditionFailure("ControlFuzz: \(silence) stored is refused: \(refusal.message)")
        }
    }
}
