import Testing

@testable import VigilWire

/// The catch-up request and page: written and read through one type on each side, and hostile
/// requests refused with what is wrong (the daemon sends the refusal back as it is).
@Suite struct CatchUpTests {
    private static func refusal(_ json: String) -> String? {
        do {
            let request = try CatchUpRequest.decode([Array("catchup".utf8), Array(json.utf8)])
            Issue.record("\(json.prefix(80)) decoded as \(request)")
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aRequestIsWrittenAsConsumersAlwaysWroteIt() {
        let frames = CatchUpRequest(after: 1_041, limit: 1_000, prefix: "alert.critical.").frames()
        #expect(frames.map { String(decoding: $0, as: UTF8.self) } == ["catchup", #"{"after":1041,"limit":1000,"prefix":"alert.critical."}"#])
    }

    @Test(arguments: [
        CatchUpRequest(after: 0), CatchUpRequest(after: .max, limit: CatchUpRequest.maxLimit, prefix: "alert.high.S07."),
        CatchUpRequest(after: 7, limit: 1, prefix: "\"quoted\" \\ é \u{1}\n"),
        CatchUpRequest(after: 1, prefix: String(repeating: "a", count: CatchUpRequest.maxPrefixBytes)),
    ])
    func requestsRoundTrip(_ request: CatchUpRequest) throws {
        #expect(try CatchUpRequest.decode(request.frames()) == request)
    }

    @Test func absentOrNullFieldsTakeTheirDefaultsAndUnknownFieldsAreIgnored() throws {
        let request = try CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":1e3,"limit":null,"prefix":null,"newer":1e400}"#.utf8)])
        #expect(request == CatchUpRequest(after: 1_000, limit: CatchUpRequest.defaultLimit, prefix: ""))
        #expect(try CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":-0}"#.utf8)]).after == 0)
        #expect(try CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":18446744073709551615.000}"#.utf8)]).after == .max)
        #expect(try CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":1.8446744073709551615e19}"#.utf8)]).after == .max)
        #expect(try CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":1e-400}"#.utf8)]).after == 0, "its double is 0, as JSONDecoder took it")
        #expect(try CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":2.0000000000000000001}"#.utf8)]).after == 2)
    }

    static let after = #""after" must be the last seq you have, a whole number from 0 to 18446744073709551615; got"#

    @Test(arguments: [
        (#"{"after":-1}"#, "\(after) the negative number -1"),
        (#"{"after":-1.5e1}"#, "\(after) the negative number -15"),
        (#"{"after":18446744073709551616}"#, "\(after) 18446744073709551616, which is too large"),
        (#"{"after":1e30}"#, "\(after) 1000000000000000000000000000000, which is too large"),
        (#"{"after":1.5}"#, "\(after) the fraction 1.5"),
        (#"{"after":1e-3}"#, "\(after) the fraction 0.001"),
        (#"{"after":1e400}"#, "\(after) a number beyond any integer or double"),
        (#"{"after":1e99999999999999999999}"#, "\(after) a number beyond any integer or double"),
        (#"{"after":"5"}"#, "\(after) a string"),
        (#"{"after":null}"#, "\(after) null"),
        (#"{"after":{}}"#, "\(after) an object"),
        (#"{"limit":5}"#, #"the request has no "after": give the last seq you have, 0 for everything held"#),
        (#"{"after":0,"limit":0}"#, #""limit" must be from 1 to 10000"#),
        (#"{"after":0,"limit":-9223372036854775809}"#, #""limit" must be a whole number from 1 to 10000; got -9223372036854775809, which is too small"#),
        (#"{"after":0,"limit":[]}"#, #""limit" must be a whole number from 1 to 10000; got an array"#),
        (#"{"after":0,"limit":0,"prefix":5}"#, #""prefix" must be a string, the start of the topics wanted ("alert.critical.")"#),
        (#"{"after":0,"prefix":"\#(String(repeating: "é", count: 129))"}"#, #""prefix" must be at most 256 bytes"#),
        ("[1]", #"the request must be a JSON object whose "after" is the last seq you have, an integer of 0 or more"#),
        (#"{"after":"#, #"the request must be a JSON object whose "after" is the last seq you have, an integer of 0 or more"#),
    ])
    func hostileRequestsAreRefusedWithWhatIsWrong(_ json: String, _ message: String) {
        #expect(Self.refusal(json) == message)
    }

    @Test func framesThatAreNotARequestAreRefusedAsSuch() {
        let message = #"a request is two frames: catchup, and a JSON object such as {"after": 0}"#
        for frames in [[], [Array("catchup".utf8)], [Array("CATCHUP".utf8), Array("{}".utf8)], [Array("catchup".utf8), [], []]] as [[[UInt8]]] {
            #expect(throws: RequestRefusal(message)) { try CatchUpRequest.decode(frames) }
        }
        #expect(throws: RequestRefusal.self) { try CatchUpRequest.decode([Array("catchup".utf8), [0xFF, 0xFE, 0x00]]) }
    }

    @Test func aPageIsWrittenAsTheDaemonAlwaysWroteItAndRoundTrips() throws {
        let page = CatchUpPage(
            after: 1_041, lastSeq: 1_043, latestSeq: 5_310, oldestSeq: 1, more: true,
            alerts: [.init(topic: "alert.high.S07.z", payload: Array(#"{"seq":1042}"#.utf8)), .init(topic: "alert.low.S01.z", payload: [])])
        let frames = page.frames()
        #expect(frames.count == 6 && String(decoding: frames[0], as: UTF8.self) == "catchup")
        #expect(
            String(decoding: frames[1], as: UTF8.self)
                == #"{"v":1,"after":1041,"last_seq":1043,"latest_seq":5310,"oldest_seq":1,"count":2,"more":true}"#)
        #expect(try CatchUpPage.decode(frames) == page)
        let empty = CatchUpPage(after: .max, lastSeq: .max, latestSeq: .max, oldestSeq: 0, more: false, alerts: [])
        #expect(try CatchUpPage.decode(empty.frames()) == empty)
    }

    @Test(arguments: [
        ([#"catchup"#, #"{"last_seq":1,"latest_seq":1,"oldest_seq":1}"#], AlertDecodingError.Code.missingField, "more"),
        ([#"catchup"#, #"{"last_seq":-1,"latest_seq":1,"oldest_seq":1,"more":false}"#], .badValue, "last_seq"),
        ([#"catchup"#, #"{"last_seq":1,"latest_seq":"1","oldest_seq":1,"more":false}"#], .wrongType, "latest_seq"),
        ([#"catchup"#, #"{"last_seq":1,"latest_seq":1,"oldest_seq":1,"more":1}"#], .wrongType, "more"),
        ([#"catchup"#, "[]"], .notJSON, nil),
        ([#"catchup"#, #"{"last_seq":1,"latest_seq":1,"oldest_seq":1,"more":false}"#, "alert.x"], .notJSON, nil),
        ([#"error"#, #"{"v":1,"error":"no"}"#], .notJSON, nil),
    ] as [([String], AlertDecodingError.Code, String?)])
    func repliesThatAreNotAPageAreRefusedByField(_ frames: [String], _ code: AlertDecodingError.Code, _ field: String?) {
        do {
            let page = try CatchUpPage.decode(frames.map { Array($0.utf8) })
            Issue.record("\(frames) decoded as \(page)")
        } catch {
            #expect(error.code == code && error.field == field, "\(frames): \(error)")
        }
    }

    @Test func aRefusalIsWrittenAndReadAsTheErrorReply() {
        let refusal = RequestRefusal(#""limit" must be from 1 to 10000"#)
        let frames = refusal.catchUpFrames()
        #expect(frames.map { String(decoding: $0, as: UTF8.self) } == ["error", #"{"v":1,"error":"\"limit\" must be from 1 to 10000"}"#])
        #expect(RequestRefusal.decodeCatchUp(frames) == refusal)
        #expect(RequestRefusal.decodeCatchUp([Array("error".utf8), Array("not json".utf8)]) == nil)
        #expect(RequestRefusal.decodeCatchUp(CatchUpRequest(after: 0).frames()) == nil)
    }

    /// Random bytes as a request body: a request or a refusal, never a trap.
    @Test func randomBodiesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]",:-+.eE0123456789 afterlimitprefixnulltrue"#.utf8)
        for _ in 0..<5_000 {
            let body = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? CatchUpRequest.decode([Array("catchup".utf8), body])
            _ = try? CatchUpRequest.decode([Array("catchup".utf8), Array(#"{"after":"#.utf8) + body + [UInt8(ascii: "}")]])
        }
    }
}
