import VigilWire

extension CatchUpFuzz {
    /// The catch-up target's generated seeds: request bodies (as consumers write them, and the
    /// hostile numbers of `CatchUpTests`), whole requests with and without a delimiter, and
    /// replies (a page, a refusal).
    public static var seeds: [(name: String, bytes: [UInt8])] {
        let bodies: [(String, String)] = [
            ("body-after-0", #"{"after":0}"#),
            ("body-full", #"{"after":1041,"limit":1000,"prefix":"alert.critical."}"#),
            ("body-escaped-prefix", #"{"after":1,"limit":10000,"prefix":"alert\/high.S07.\u00e9"}"#),
            ("body-floats", #"{"after":1e3,"limit":null,"prefix":null,"newer":1e400}"#),
            ("body-max", #"{"after":18446744073709551615.000,"limit":1.0e4}"#),
            ("body-negative-zero", #"{"after":-0}"#),
            ("body-too-big", #"{"after":18446744073709551616,"limit":10001}"#),
            ("body-wrong-kinds", #"{"after":"1","limit":true,"prefix":7}"#),
            ("body-not-object", #"[{"after":0}]"#),
        ]
        var seeds = bodies.map { (name: $0.0, bytes: Array($0.1.utf8)) }
        func message(_ frames: [[UInt8]]) -> [UInt8] {
            Array(frames.joined(separator: [0]))
        }
        let request = CatchUpRequest(after: 41, limit: 2, prefix: "alert.")
        seeds.append(("message-router-req", message([Array("id-1".utf8), []] + request.frames())))
        seeds.append(("message-router-dealer", message([Array("id-2".utf8)] + request.frames())))
        seeds.append(("message-extra-frame", message([Array("id-3".utf8), []] + request.frames() + [Array("x".utf8)])))
        let alert = #"{"v":1,"id":"inc-7","seq":42,"state":"raised","kind":"border_crossing","severity":"critical","class":"person","count":1,"sector":"S07","zone":"iq-sy-strip","lat":34.5,"lon":41.0,"cameras":["cam-rabia-03"],"first_ts":1795228387253,"last_ts":1795228387253,"emitted_ts":1795228387300}"#
        let page = CatchUpPage(
            after: 41, lastSeq: 42, latestSeq: 5310, oldestSeq: 1, more: true,
            alerts: [CatchUpPage.Alert(topic: "alert.critical.S07.iq-sy-strip", payload: Array(alert.utf8))])
        seeds.append(("reply-page", message(page.frames())))
        seeds.append(("reply-refusal", message(RequestRefusal("\"limit\" must be from 1 to 10000").catchUpFrames())))
        seeds.append(("alert", Array(alert.utf8)))
        seeds.append(("heartbeat", Heartbeat(latestSeq: 5310, oldestSeq: 1, ts: 1_795_228_387_253).encoded()))
        return seeds
    }
}
