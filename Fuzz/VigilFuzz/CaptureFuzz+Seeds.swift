extension CaptureFuzz {
    /// The capture target's generated seeds: captures as `vigil record` writes them (a header,
    /// text and base64 frames, messages of other than two frames) on the default cameras, and
    /// the lines a reader must refuse.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        let header = #"{"vigil_capture":1,"started_ms":1795228380000,"bind":["tcp://127.0.0.1:7601"],"connect":[],"topics":["det."]}"#
        func frame(_ seq: Int, _ ts: Int64, lat: Double = 34.4621, lon: Double = 40.9435) -> String {
            #"{\"v\":1,\"camera\":\"cam-rabia-03\",\"seq\":\#(seq),\"ts\":\#(ts),\"detections\":[{\"track\":9,\"class\":\"person\",\"conf\":0.9,\"lat\":\#(lat),\"lon\":\#(lon)}]}"#
        }
        func line(_ recvMs: Int64, _ payload: String, topic: String = "det.S07.cam-rabia-03", extra: String = "") -> String {
            #"{"recv_ms":\#(recvMs),\#(extra)"topic":"\#(topic)","payload":"\#(payload)"}"#
        }
        let start: Int64 = 1_795_228_387_000
        let texts: [(String, [String])] = [
            ("header-only", [header]),
            ("header-and-frames", [header] + (0..<6).map { line(start + Int64($0) * 1000, frame($0 + 1, start + Int64($0) * 1000, lon: 40.9435 - Double($0) * 0.002)) }),
            ("no-header", [line(start, frame(1, start)), line(start + 10, frame(2, start + 10))]),
            ("base64", [header, #"{"recv_ms":1795228387253,"topic":"det.S07.cam-rabia-03","payload_b64":"/9j/4AAQSkZJRgABAQ=="}"#, #"{"recv_ms":1795228387253,"topic_b64":"ZGV0LlMwNy7/","payload":"{}"}"#]),
            ("frame-counts", [#"{"recv_ms":1795228387301,"frames":3,"topic":"det.S07.cam-rabia-03","payload":"x"}"#, #"{"recv_ms":1795228387302,"frames":1,"topic":"det.S07.cam-rabia-03"}"#]),
            ("extreme-recv-ms", [line(9_223_372_036_854_775_807, "{}"), line(-9_223_372_036_854_775_808, "{}"), line(9_007_199_254_740_992, frame(1, start))]),
            ("unknown-keys", [#"{"recv_ms":1,"x":[1,"a",[],{"y":null}],"topic":"det.S01.cam-a","payload":"\u0000\ud83d\ude00","z":-1.5e3}"#]),
            ("header-twice", [header, header]),
            ("bad-lines", ["", "not json", #"{"recv_ms":"1","topic":"a","payload":"b"}"#, #"{"topic":"a"}"#, #"{"recv_ms":1,"topic":"a","payload_b64":"!!"}"#]),
            ("frames-zero", [#"{"recv_ms":1,"frames":0,"topic":"det.S01.cam-a","payload":"x"}"#]),
            ("no-final-newline", [line(start, frame(1, start))]),
        ]
        return texts.map { seed in
            let text = seed.1.joined(separator: "\n") + (seed.0 == "no-final-newline" ? "" : "\n")
            return (name: seed.0, bytes: Array(text.utf8))
        }
    }
}
