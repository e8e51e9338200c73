import Testing

@testable import VigilWire

/// The silence on the wire: what `vigil silence add` sends, what the daemon answers and what
/// it keeps in silences.json, through one type.
@Suite struct SilenceMessageTests {
    static let full = SilenceMessage(
        id: "si-3f2a", camera: "cam-rabia-03", zone: "iq-sy-strip", kind: "intrusion", severity: "high", createdMs: 1_795_228_387_000,
        expiresMs: 1_795_235_587_000, comment: "patrol on site")

    @Test func encodesWithSortedKeysAndLeavesAbsentFieldsOut() {
        #expect(
            String(decoding: Self.full.encoded(), as: UTF8.self)
                == #"{"camera":"cam-rabia-03","comment":"patrol on site","created_ms":1795228387000,"expires_ms":1795235587000,"id":"si-3f2a","kind":"intrusion","severity":"high","zone":"iq-sy-strip"}"#
        )
        let request = SilenceMessage(kind: "border_crossing", expiresMs: 5, comment: "")
        #expect(String(decoding: request.encoded(), as: UTF8.self) == #"{"comment":"","expires_ms":5,"kind":"border_crossing"}"#)
        #expect(String(decoding: SilenceMessage.encode([request, request]), as: UTF8.self).hasPrefix(#"[{"comment":"","#))
        #expect(SilenceMessage.encode([]) == Array("[]".utf8))
    }

    /// The bytes JSONSerialization wrote for the same strings (checked against it on Linux).
    @Test func escapesStringsAsJSONSerializationDid() {
        let silence = SilenceMessage(kind: "k", expiresMs: 1, comment: "a/b \u{1a}\u{8}\u{c}\r\t\n\"\\x é\u{7f}")
        #expect(
            String(decoding: silence.encoded(), as: UTF8.self)
                == #"{"comment":"a\/b \u001a\b\f\r\t\n\"\\x é\#u{7f}","expires_ms":1,"kind":"k"}"#)
        let request = CatchUpRequest(after: 0, limit: 1, prefix: "alert./\n").frames()[1]
        #expect(String(decoding: request, as: UTF8.self) == #"{"after":0,"limit":1,"prefix":"alert.\/\n"}"#)
    }

    @Test(arguments: [
        full, SilenceMessage(expiresMs: .max), SilenceMessage(camera: "c", createdMs: .min, expiresMs: .min, comment: "\"quoted\" \\ / é\n\u{1}"),
    ])
    func roundTrips(_ silence: SilenceMessage) throws {
        #expect(try SilenceMessage.decode(silence.encoded()) == silence)
        let list = Array(#"{"ok":true,"silences":"#.utf8) + SilenceMessage.encode([silence, Self.full]) + [UInt8(ascii: "}")]
        #expect(try SilenceMessage.decodeList(list, key: "silences") == [silence, Self.full])
        let added = Array(#"{"ok":true,"silence":"#.utf8) + silence.encoded() + [UInt8(ascii: "}")]
        #expect(try SilenceMessage.decode(added, member: "silence") == silence)
    }

    /// silences.json as the first versions wrote it (JSONEncoder, pretty-printed, sorted keys,
    /// slashes escaped) still loads.
    @Test func readsTheSilencesFileTheFirstVersionsWrote() throws {
        let old = """
            {
              "silences" : [
                {
                  "comment" : "drill at Rabia \\/ S07",
                  "created_ms" : 1795228387000,
                  "expires_ms" : 1795232000000,
                  "id" : "si-a1b2c3",
                  "kind" : "border_crossing"
                },
                {
                  "camera" : "cam-rabia-03",
                  "comment" : "",
                  "created_ms" : -9223372036854775808,
                  "expires_ms" : 9223372036854775807,
                  "id" : "si-ff"
                }
              ],
              "version" : 1
            }
            """
        let silences = try SilenceMessage.decodeList(Array(old.utf8), key: "silences")
        #expect(
            silences == [
                SilenceMessage(id: "si-a1b2c3", kind: "border_crossing", createdMs: 1_795_228_387_000, expiresMs: 1_795_232_000_000, comment: "drill at Rabia / S07"),
                SilenceMessage(id: "si-ff", camera: "cam-rabia-03", createdMs: .min, expiresMs: .max, comment: ""),
            ])
    }

    static let time = "epoch milliseconds, a whole number from -9223372036854775808 to 9223372036854775807; got"

    @Test(arguments: [
        (#"{"kind":"k","expires_ms":9223372036854775808}"#, #""expires_ms" must be \#(time) 9223372036854775808, which is too large"#),
        (#"{"kind":"k","expires_ms":-9223372036854775809}"#, #""expires_ms" must be \#(time) -9223372036854775809, which is too small"#),
        (#"{"kind":"k","expires_ms":1e400}"#, #""expires_ms" must be \#(time) a number beyond any integer or double"#),
        (#"{"kind":"k","expires_ms":-1e30}"#, #""expires_ms" must be \#(time) -1000000000000000000000000000000, which is too small"#),
        (#"{"kind":"k","expires_ms":1.5}"#, #""expires_ms" must be \#(time) the fraction 1.5"#),
        (#"{"kind":"k","expires_ms":"soon"}"#, #""expires_ms" must be \#(time) a string"#),
        (#"{"kind":"k","expires_ms":null}"#, #""expires_ms" must be \#(time) null"#),
        (#"{"kind":"k"}"#, #""expires_ms" is required: when the silence ends, epoch milliseconds, a whole number from -9223372036854775808 to 9223372036854775807"#),
        (#"{"kind":"k","expires_ms":1,"created_ms":1e19}"#, #""created_ms" must be \#(time) 10000000000000000000, which is too large"#),
        (#"{"kind":5,"expires_ms":1}"#, #"expected a JSON object with expires_ms and at least one of camera, zone, kind, severity: "kind" must be a string; got a number"#),
        ("[1]", "expected a JSON object with expires_ms and at least one of camera, zone, kind, severity: got an array"),
    ])
    func hostileSilencesAreRefusedWithWhatIsWrong(_ json: String, _ message: String) {
        #expect(throws: RequestRefusal(message)) { try SilenceMessage.decode(Array(json.utf8)) }
    }

    @Test func listsThatAreNotListsAreRefusedWithTheElementAtFault() {
        #expect(throws: RequestRefusal(#"expected a JSON object whose "silences" is an array of silences"#)) {
            try SilenceMessage.decodeList(Array(#"{"silences":{}}"#.utf8), key: "silences")
        }
        #expect(throws: RequestRefusal(#"silences[1]: "expires_ms" is required: when the silence ends, epoch milliseconds, a whole number from -9223372036854775808 to 9223372036854775807"#)) {
            try SilenceMessage.decodeList(Array(#"{"silences":[{"expires_ms":1},{}]}"#.utf8), key: "silences")
        }
        #expect(throws: RequestRefusal.self) { try SilenceMessage.decodeList([0xFF], key: "silences") }
        #expect(throws: RequestRefusal.self) { try SilenceMessage.decode(Array(#"{"ok":true}"#.utf8), member: "silence") }
    }

    /// Random bytes: a silence or a refusal, never a trap.
    @Test func randomInputNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]",:-+.eE0123456789 expires_mscreatedkindnulltrue"#.utf8)
        for _ in 0..<5_000 {
            let body = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? SilenceMessage.decode(body)
            _ = try? SilenceMessage.decode(Array(#"{"expires_ms":"#.utf8) + body + [UInt8(ascii: "}")])
            _ = try? SilenceMessage.decodeList(Array(#"{"silences":["#.utf8) + body + Array("]}".utf8), key: "silences")
        }
    }
}
