import Testing

@testable import VigilWire

/// The hand-written JSON reader: what it takes, what it refuses, and that it never traps.
@Suite struct JSONReaderTests {
    private func read(_ text: String) throws(JSONReader.Failure) -> JSONValue { try JSONReader.read(Array(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let value = try read(#" {"a":[1,-2.5e3,true,false,null],"b":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","c":{}} "#)
        #expect(
            value
                == .object([
                    "a": .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]),
                    "b": .string("x\"\\/\u{8}\u{c}\n\r\té😀"), "c": .object([:]),
                ]))
    }

    @Test(arguments: [
        "", "not json", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "1e", "+1", "\"abc", "\"\u{1}\"", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\u12\"", "[1] 2", "tru", "nul", "{1:2}", "NaN", "Infinity",
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONReader.Failure.self) { try read(text) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONReader.Failure.self) { try read(deep) }
        let fine = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        #expect(throws: Never.self) { try read(fine) }
    }

    @Test func integersAreExactOrNil() throws {
        #expect(try read("9223372036854775807").integer(Int64.self) == .max)
        #expect(try read("-9223372036854775808").integer(Int64.self) == .min)
        #expect(try read("9223372036854775808").integer(Int64.self) == nil)
        #expect(try read("18446744073709551615").integer(UInt64.self) == .max)
        #expect(try read("18446744073709551616").integer(UInt64.self) == nil)
        #expect(try read("-1").integer(UInt64.self) == nil)
        #expect(try read("1.0").integer(Int.self) == 1)
        #expect(try read("1e2").integer(Int.self) == 100)
        #expect(try read("1.5").integer(Int.self) == nil)
        #expect(try read("1e400").integer(Int.self) == nil)
        #expect(try read("\"1\"").integer(Int.self) == nil)
        #expect(try read("1e400").double == nil)
        #expect(try read("-0.25").double == -0.25)
    }

    /// Random bytes, and random damage to a valid message, give a value or an error.
    @Test func randomInputNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let base = Array(WireFixtures.contractExample.utf8)
        for round in 0..<2_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = base
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            _ = try? JSONReader.read(bytes)
            _ = try? AlertMessage.decode(bytes)
            _ = PartialAlertMessage.parse(bytes)
            _ = AlertMessage.seq(of: bytes)
        }
    }
}
