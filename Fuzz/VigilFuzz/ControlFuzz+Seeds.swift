import VigilWire

extension ControlFuzz {
    /// The control target's generated seeds: silences as `vigil silence add` sends them and as
    /// `silences.json` keeps them (from `SilenceMessageTests`), their near misses, and a `stats`
    /// reply.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        let texts: [(String, String)] = [
            ("silence-add", #"{"camera":"cam-rabia-03","zone":"iq-sy-strip","kind":"intrusion","severity":"high","expires_ms":1795235587000,"comment":"patrol on site"}"#),
            ("silence-kind-only", #"{"comment":"","expires_ms":1795228390000,"kind":"border_crossing"}"#),
            ("silence-stored", #"{"camera":"cam-rabia-03","comment":"patrol on site","created_ms":1795228387000,"expires_ms":1795235587000,"id":"si-3f2a","kind":"intrusion","severity":"high","zone":"iq-sy-strip","created_by":"duty-officer"}"#),
            ("silence-escapes", #"{"comment":"a\/b \u001a\b\f\r\t\n\"\\x \u00e9\ud83d\ude00","expires_ms":1795228390000,"kind":"k"}"#),
            ("silence-max", #"{"severity":"low","expires_ms":9223372036854775807,"created_ms":-9223372036854775808}"#),
            ("silence-no-matcher", #"{"expires_ms":1795228390000,"comment":"nothing"}"#),
            ("silence-bad-values", #"{"camera":"cam rabia","severity":"urgent","expires_ms":1.5,"zone":7}"#),
            ("silence-past", #"{"zone":"iq-sy-strip","expires_ms":1}"#),
            ("silences-file", #"{"silences":[{"id":"si-1","kind":"a","expires_ms":1795235587000,"created_ms":1795228387000,"comment":""},{"id":"si-2","severity":"critical","expires_ms":9223372036854775807}]}"#),
            ("silence-add-reply", #"{"ok":true,"silence":{"id":"si-9","camera":"cam-qaim-01","expires_ms":1795235587000,"created_ms":1795228387000,"comment":""}}"#),
            ("stats-reply", #"{"ingest":{"received":10,"handed_over":10,"batches":2},"rejected":{"bad_json":1,"unknown_camera":2},"rejected_total":3,"processed":7,"engine":{"frames_accepted":7,"frames_missing_by_camera":{"cam-a":18446744073709551615}},"publish":{"published":3,"last_seq":3},"journal":{"oldest_seq":1,"latest_seq":3}}"#),
            ("stats-wrong-kind", #"{"engine":{"frames_missing_by_camera":{"cam-a":-1}},"processed":"7"}"#),
        ]
        return texts.map { (name: $0.0, bytes: Array($0.1.utf8)) }
    }
}
