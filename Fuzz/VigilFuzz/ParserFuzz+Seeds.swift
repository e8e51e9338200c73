extension ParserFuzz {
    /// The parser's generated seeds: frame reports of the contract (CONTRACT.md section 1) in
    /// the spellings gateways use, and the near misses the parser must refuse.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        let person = #"{"track":17,"class":"person","conf":0.91,"lat":33.7012,"lon":40.9921}"#
        let full =
            #"{"track":4294967295,"class":"vehicle","conf":1,"lat":-90,"lon":180,"temp_c":36.6,"size_m":4.5,"speed_mps":12.25,"heading_deg":360}"#
        func report(_ detections: String, camera: String = "cam-rabia-03", extra: String = "") -> String {
            #"{"v":1,"camera":"\#(camera)","seq":1041,"ts":1795228387253,"detections":[\#(detections)]\#(extra)}"#
        }
        let texts: [(String, String)] = [
            ("minimal", report("")),
            ("one-person", report(person)),
            ("every-field", report(person + "," + full)),
            ("exercise", report(person, extra: #","exercise":true"#)),
            ("unknown-class", report(#"{"track":1,"class":"Person","conf":0.5,"lat":0,"lon":0},{"track":2,"class":"unknown","conf":0,"lat":0,"lon":-0}"#)),
            ("unregistered-camera", report(person, camera: "cam-ghost-01")),
            ("integers-as-floats", #"{"v":1.0,"camera":"cam-qaim-01","seq":4.12e2,"ts":1.795228387253e12,"detections":[{"track":17.000,"class":"animal","conf":5e-1,"lat":3.37e1,"lon":409.921E-1}]}"#),
            ("extremes", #"{"v":1,"camera":"cam-qaim-01","seq":18446744073709551615,"ts":9223372036854775807,"detections":[{"track":0,"class":"person","conf":1e-400,"lat":-0,"lon":179.99999999999999999999}]}"#),
            ("negative-ts", #"{"v":1,"camera":"cam-qaim-01","seq":0,"ts":-9223372036854775808,"detections":[]}"#),
            ("bom-and-whitespace", "\u{FEFF} \n\t{ \"detections\" : [ ] , \"ts\" : 1 , \"seq\" : 2 , \"camera\" : \"cam-qaim-01\" , \"v\" : 1 } \r\n"),
            ("unknown-fields", report(#"{"track":3,"class":"person","conf":0.5,"lat":1,"lon":2,"bbox":[1,2,3,4.5e400],"x":{"y":[null,true,false,"\u00e9\ud83d\ude00"]}}"#, extra: #","gateway":{"fw":"2.4.1","n":-0.0e-0}"#)),
            ("escapes", #"{"v":1,"camera":"cam\u002dqaim-01","seq":1,"ts":1,"detections":[{"track":1,"class":"pers\u006fn","conf":0.5,"lat":1,"lon":2}],"note":"\"\\\/\b\f\n\r\t"}"#),
            ("version-2", #"{"v":2,"camera":"cam-qaim-01","seq":1,"ts":1,"detections":[]}"#),
            ("missing-ts", #"{"v":1,"camera":"cam-qaim-01","seq":1,"detections":[]}"#),
            ("duplicate-key", #"{"v":1,"camera":"cam-qaim-01","seq":1,"seq":2,"ts":1,"detections":[]}"#),
            ("trailing-comma", #"{"v":1,"camera":"cam-qaim-01","seq":1,"ts":1,"detections":[],}"#),
            ("fraction-seq", #"{"v":1,"camera":"cam-qaim-01","seq":9007199254740993.5,"ts":1,"detections":[]}"#),
            ("out-of-range", report(#"{"track":1,"class":"person","conf":1.0000001,"lat":90.1,"lon":-180.5,"heading_deg":360.0001}"#)),
            ("bad-camera", report(person, camera: "cam.with.dots")),
            ("deep-nesting", report("", extra: #","x":"# + String(repeating: "[", count: 70) + String(repeating: "]", count: 70))),
            ("lone-surrogate", report("", extra: #","x":"\ud800""#)),
            ("truncated", String(report(person + "," + full).dropLast(40))),
            ("not-an-object", "[1,2,3]"),
        ]
        var seeds = texts.map { (name: $0.0, bytes: Array($0.1.utf8)) }
        seeds.append(("invalid-utf8", Array(report("", extra: #","x":""#).utf8) + [0xC3, 0x28, 0xFF, 0x22, 0x7D]))
        let many = Array(repeating: person, count: 257).joined(separator: ",")
        seeds.append(("detections-257", Array(report(many).utf8)))
        seeds.append(("detections-256", Array(report(Array(repeating: person, count: 256).joined(separator: ",")).utf8)))
        return seeds
    }
}
