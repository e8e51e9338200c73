import Foundation
import Logging
import Testing
import VigilConfig
import VigilCore
import VigilJournal
import ZeroMQ

@testable import VigilPipeline

/// Numbers from peers (issue 12): catch-up requests and control requests carry values anywhere
/// in (and beyond) their types; each is taken or refused with its own message, and none traps
/// the daemon. (Capture lines and replays: `CaptureHostileNumbersTests` in VigilCaptureTests.)
@Suite struct EndpointHostileNumbersTests {
    // MARK: Catch-up requests

    static func request(_ json: String) throws(RequestRefusal) -> CatchUpRequest {
        try CatchUpRequest.decode([Array("catchup".utf8), Array(json.utf8)])
    }

    static func refusal(_ frames: [[UInt8]]) -> String? {
        do {
            _ = try CatchUpRequest.decode(frames)
            return nil
        } catch {
            return error.message
        }
    }

    static let afterExpected = #""after" must be the last seq you have, a whole number from 0 to 18446744073709551615; got"#
    static let limitExpected = #""limit" must be a whole number from 1 to 10000; got"#

    /// Every `after` the decoder can meet, with the refusal it gets. Before issue 12 each was
    /// "the request must be a JSON object whose "after" is …", whatever was wrong with it.
    static let refusedRequests: [(json: String, message: String)] = [
        (#"{"after":-1}"#, "\(afterExpected) the negative number -1"),
        (#"{"after":-9223372036854775809}"#, "\(afterExpected) the negative number -9223372036854775809"),
        (#"{"after":18446744073709551616}"#, "\(afterExpected) 18446744073709551616, which is too large"),
        (#"{"after":1e30}"#, "\(afterExpected) 1000000000000000000000000000000, which is too large"),
        (#"{"after":1.5}"#, "\(afterExpected) the fraction 1.5"),
        (#"{"after":1e400}"#, "\(afterExpected) a number beyond any integer or double"),
        (#"{"after":-1e400}"#, "\(afterExpected) a number beyond any integer or double"),
        (#"{"after":"5"}"#, "\(afterExpected) a string"),
        (#"{"after":true}"#, "\(afterExpected) true or false"),
        (#"{"after":null}"#, "\(afterExpected) null"),
        (#"{"after":[1]}"#, "\(afterExpected) an array"),
        (#"{"after":{"seq":1}}"#, "\(afterExpected) an object"),
        (#"{"limit":5}"#, #"the request has no "after": give the last seq you have, 0 for everything held"#),
        (#"{"after":0,"limit":0}"#, #""limit" must be from 1 to 10000"#),
        (#"{"after":0,"limit":10001}"#, #""limit" must be from 1 to 10000"#),
        (#"{"after":0,"limit":-9223372036854775808}"#, #""limit" must be from 1 to 10000"#),
        (#"{"after":0,"limit":9223372036854775808}"#, "\(limitExpected) 9223372036854775808, which is too large"),
        (#"{"after":0,"limit":-9223372036854775809}"#, "\(limitExpected) -9223372036854775809, which is too small"),
        (#"{"after":0,"limit":2.5}"#, "\(limitExpected) the fraction 2.5"),
        (#"{"after":0,"limit":1e400}"#, "\(limitExpected) a number beyond any integer or double"),
        (#"{"after":0,"limit":"10"}"#, "\(limitExpected) a string"),
        (#"{"after":0,"prefix":5}"#, #""prefix" must be a string, the start of the topics wanted ("alert.critical.")"#),
        (#"{"after":0,"prefix":"\#(String(repeating: "a", count: 257))"}"#, #""prefix" must be at most 256 bytes"#),
        (#"{"after":0,"prefix":"\#(String(repeating: "é", count: 500_000))"}"#, #""prefix" must be at most 256 bytes"#),
    ]

    @Test func eachHostileAfterLimitOrPrefixIsRefusedWithWhatIsWrong() {
        for (json, message) in Self.refusedRequests {
            #expect(Self.refusal([Array("catchup".utf8), Array(json.utf8)]) == message, "\(json.prefix(80))")
        }
    }

    @Test func whatIsNotARequestIsRefusedAsSuch() {
        let frames = #"a request is two frames: catchup, and a JSON object such as {"after": 0}"#
        let object = #"the request must be a JSON object whose "after" is the last seq you have, an integer of 0 or more"#
        let cases: [([[UInt8]], String)] = [
            ([], frames),
            ([[]], frames),
            ([[], []], frames),
            ([Array("catchup".utf8)], frames),
            ([Array("catchup".utf8), Array("{}".utf8), []], frames),
            (Array(repeating: Array("catchup".utf8), count: 10_000), frames),
            ([Array("CATCHUP".utf8), Array(#"{"after":0}"#.utf8)], frames),
            ([Array("catchup".utf8), []], object),
            ([Array("catchup".utf8), Array("[1]".utf8)], object),
            ([Array("catchup".utf8), Array("5".utf8)], object),
            ([Array("catchup".utf8), Array("{\"after\":".utf8)], object),
            ([Array("catchup".utf8), [0xFF, 0xFE, 0x00]], object),
        ]
        for (request, message) in cases { #expect(Self.refusal(request) == message, "\(request.count) frames") }
    }

    @Test func everyAfterFromZeroToUInt64MaxIsTakenAsWrittenOrAsItsWholeValue() throws {
        #expect(try Self.request(#"{"after":18446744073709551615}"#).after == .max)
        #expect(try Self.request(#"{"after":9223372036854775808}"#).after == UInt64(Int64.max) + 1)
        #expect(try Self.request(#"{"after":-0}"#).after == 0)
        #expect(try Self.request(#"{"after":1.0}"#).after == 1)
        #expect(try Self.request(#"{"after":1e3}"#).after == 1_000)
        let full = try Self.request(#"{"after":7,"limit":10000,"prefix":"alert.critical.","newer_field":1e400}"#)
        #expect(full.after == 7 && full.limit == 10_000 && full.prefix == "alert.critical.", "unknown fields are ignored, whatever they hold")
        let defaults = try Self.request(#"{"after":0,"limit":null,"prefix":null}"#)
        #expect(defaults.limit == CatchUpRequest.defaultLimit && defaults.prefix == "")
        #expect(try Self.request(#"{"after":0,"prefix":"\#(String(repeating: "a", count: 256))"}"#).prefix.utf8.count == 256)
    }

    /// The catch-up endpoint on a real ROUTER socket and journal: each hostile request gets the
    /// two frames `error` and its message, an `after` past Int64.max an empty page (it was
    /// served the whole journal), a frame over the limit a disconnection, and the endpoint goes
    /// on serving.
    @Test func theCatchUpEndpointAnswersHostileRequestsAndGoesOn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-hostile-\(UUID().uuidString).sqlite").path
        try AlertJournal(path: path).append(
            (1...5).map { JournalRecord(seq: $0, emittedMs: 1_000, topic: "alert.high.S01.z", payload: Array("{\"seq\":\($0)}".utf8)) }, nowMs: 0)
        let endpoint = try DaemonTests.freeEndpoint()
        let context = try ZMQContext()
        let server = try CatchUpServer(context: context, endpoint: endpoint, journalPath: path, logger: Logger(label: "test"))
        server.start()
        defer { _ = server.stop(deadline: .now() + 2) }

        func ask(_ frames: [[UInt8]], timeoutMs: Int = 3_000) throws -> [[UInt8]]? {
            let socket = try ZMQSocket(context: context, type: .req)
            defer { socket.close() }
            try socket.connect(endpoint)
            try socket.send(frames)
            guard try socket.waitForInput(timeoutMs: timeoutMs) else { return nil }
            return try socket.receiveMessage()
        }
        func header(_ reply: [[UInt8]]?) throws -> String {
            let reply = try #require(reply)
            #expect(String(decoding: reply[0], as: UTF8.self) == "catchup")
            return String(decoding: reply[1], as: UTF8.self)
        }

        for (json, message) in Self.refusedRequests {
            let reply = try #require(try ask([Array("catchup".utf8), Array(json.utf8)]), "\(json.prefix(80))")
            #expect(reply.count == 2 && String(decoding: reply[0], as: UTF8.self) == "error")
            let body = try JSONSerialization.jsonObject(with: Data(reply[1])) as? [String: Any]
            #expect(body?["v"] as? Int == 1 && body?["error"] as? String == message)
        }
        for after in [UInt64(Int64.max) + 1, UInt64.max] {
            let page = try header(try ask([Array("catchup".utf8), Array(#"{"after":\#(after)}"#.utf8)]))
            #expect(page == #"{"v":1,"after":\#(after),"last_seq":\#(after),"latest_seq":5,"oldest_seq":1,"count":0,"more":false}"#, "nothing lies after it")
        }
        // Over the request limit: libzmq drops the peer before reading the frame into memory.
        let huge = [UInt8](repeating: 0x20, count: Int(CatchUpServer.maxRequestBytes) + 1)
        #expect(try ask([Array("catchup".utf8), huge], timeoutMs: 500) == nil)
        let page = try header(try ask([Array("catchup".utf8), Array(#"{"after":0,"limit":2}"#.utf8)]))
        #expect(page == #"{"v":1,"after":0,"last_seq":2,"latest_seq":5,"oldest_seq":1,"count":2,"more":true}"#)
        let stats = server.stats()
        #expect(stats.refused == UInt64(Self.refusedRequests.count) && stats.requests == 3 && stats.alertsServed == 2)
    }

    // MARK: Control requests: silences

    static func silence(_ json: String) throws(RequestRefusal) -> SilenceMessage {
        try SilenceMessage.decode(Array(json.utf8))
    }

    // The refusals of silence times outside Int64 are VigilWireTests' `SilenceMessageTests`
    // (`hostileSilencesAreRefusedWithWhatIsWrong`, every case this suite had and more): the
    // decoder is the wire's. What the daemon does with the extremes it takes is tested here.

    /// A silence ending at Int64.max (the year 292,278,994) or starting at Int64.min is a value
    /// like any other: stored, matched, expired, never an overflow.
    @Test func silencesAtTheEndsOfInt64AreTakenAndMatchedWithoutOverflow() throws {
        let now: Int64 = 1_795_228_387_000
        let forever = try Silence(
            Self.silence(#"{"kind":"border_crossing","expires_ms":9223372036854775807,"created_ms":-9223372036854775808}"#), id: "si-1", nowMs: now)
        #expect(forever.expiresMs == .max && forever.createdMs == now, "a new silence is created now, whatever the request says")
        let past = try Self.silence(#"{"kind":"border_crossing","expires_ms":-9223372036854775808}"#)
        #expect(throws: RequestRefusal("expires_ms -9223372036854775808 is not in the future")) { try Silence(past, id: "si-2", nowMs: now) }
        let event = AlertMessage(
            id: "al-1", state: .raised, kind: "border_crossing", severity: .critical, objectClass: .person, count: 1, sector: "S01", zone: "z",
            lat: 36.5, lon: 42.0, direction: nil, cameras: ["cam-a"], firstTs: 0, lastTs: 0, rule: nil, stretch: nil, exercise: false)
        var gate = AlertGate(silences: [forever])
        for nowMs in [Int64.min, -1, 0, now, Int64.max - 1] { #expect(forever.matches(event, nowMs: nowMs)) }
        #expect(!forever.matches(event, nowMs: .max))
        #expect(gate.pass([event], nowMs: .max - 1).isEmpty)
        #expect(gate.expire(nowMs: .max - 1).expired == false)
        let released = gate.expire(nowMs: .max)
        #expect(released.expired && released.events.map(\.id) == ["al-1"])
        // Round trip through silences.json keeps the extremes.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-silences-\(UUID().uuidString)").path
        let store = SilenceStore(directory: directory)
        var stored = forever
        stored.createdMs = .min
        try store.save([stored])
        #expect(try store.load(nowMs: now) == [stored])
        #expect(try store.load(nowMs: .max).isEmpty)
    }

    /// silences.json as the first versions wrote it (JSONEncoder, pretty-printed, sorted keys,
    /// slashes escaped) loads, and is written again in the one wire shape.
    @Test func theSilencesFileOfTheFirstVersionsStillLoads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-silences-\(UUID().uuidString)").path
        let store = SilenceStore(directory: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let old = """
            {
              "silences" : [
                {
                  "comment" : "drill at Rabia \\/ S07",
                  "created_ms" : 1795228387000,
                  "expires_ms" : 1795232000000,
                  "id" : "si-a1b2c3",
                  "kind" : "border_crossing",
                  "severity" : "critical"
                }
              ],
              "version" : 1
            }
            """
        try old.write(toFile: store.path, atomically: true, encoding: .utf8)
        let expected = Silence(
            id: "si-a1b2c3", kind: "border_crossing", severity: .critical, createdMs: 1_795_228_387_000, expiresMs: 1_795_232_000_000,
            comment: "drill at Rabia / S07")
        #expect(try store.load(nowMs: 0) == [expected])
        try store.save([expected, expected])
        #expect(try store.load(nowMs: 0) == [expected, expected])
        let written = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(written.hasPrefix(#"{"silences":["# + "\n" + #"{"comment":"drill at Rabia \/ S07","created_ms":1795228387000,"#))
        #expect(written.hasSuffix("\n]," + #""version":1}"# + "\n"))
        try store.save([])
        #expect(try store.load(nowMs: 0).isEmpty)
    }

    /// The control socket of a running pipeline: hostile `silence add` requests are refused
    /// with their own message, a silence to the year 292,278,994 is taken, and `stats` and
    /// `silence list` still answer.
    @Test func theControlSocketAnswersHostileSilencesAndGoesOn() throws {
        var configuration = try DaemonTests.configuration()
        configuration.settings.controlBind = try DaemonTests.freeEndpoint()
        let daemon = try Daemon(configuration: configuration, logger: Logger(label: "test"))
        daemon.start()
        defer { _ = daemon.shutdown() }
        let context = try ZMQContext()
        func ask(_ command: [UInt8], timeoutMs: Int = 3_000) throws -> [String: Any]? {
            let socket = try ZMQSocket(context: context, type: .req)
            defer { socket.close() }
            try socket.connect(configuration.settings.controlBind)
            try socket.send([command])
            guard try socket.waitForInput(timeoutMs: timeoutMs), let reply = try socket.receiveMessage() else { return nil }
            return try JSONSerialization.jsonObject(with: Data(reply[0])) as? [String: Any]
        }
        func ask(_ command: String) throws -> [String: Any] { try #require(try ask(Array(command.utf8))) }

        let refused: [(String, String)] = [
            (#"silence add {"kind":"k","expires_ms":1e400}"#, "a number beyond any integer or double"),
            (#"silence add {"kind":"k","expires_ms":9223372036854775808}"#, "9223372036854775808, which is too large"),
            (#"silence add {"kind":"k","expires_ms":-9223372036854775808}"#, "is not in the future"),
            (#"silence add {"expires_ms":9223372036854775807}"#, "at least one matcher"),
            (#"silence add {"camera":"\#(String(repeating: "c", count: 65))","expires_ms":9223372036854775807}"#, "is not an identifier"),
            (#"silence add {"severity":"extreme","expires_ms":9223372036854775807}"#, "is not one of critical"),
            ("silence remove si-\(String(repeating: "f", count: 10_000))", "no silence has id"),
            ("silence add", "expected silence add <json>"),
            ("", "unknown command"),
        ]
        for (command, part) in refused {
            let reply = try ask(command)
            #expect(reply["ok"] as? Bool == false && (reply["error"] as? String)?.contains(part) == true, "\(command.prefix(60)): \(reply)")
        }
        // A silence must end: a week at most by default (silences.max_duration_h).
        let forever = try ask(#"silence add {"kind":"k","expires_ms":9223372036854775807}"#)
        #expect(forever["ok"] as? Bool == false && (forever["error"] as? String)?.contains("silences.max_duration_h (168 h)") == true, "\(forever)")
        let expires = WallClock.nowMs() + 3_600_000
        let added = try ask(#"silence add {"kind":"k","expires_ms":\#(expires),"created_ms":-9223372036854775808}"#)
        #expect(added["ok"] as? Bool == true)
        let silence = try #require(added["silence"] as? [String: Any])
        #expect((silence["expires_ms"] as? NSNumber)?.int64Value == expires)
        let createdMs = try #require((silence["created_ms"] as? NSNumber)?.int64Value)
        #expect(abs(createdMs - WallClock.nowMs()) < 60_000, "created_ms is the daemon's clock, not the peer's word")
        #expect(try ask(Array(repeating: 0x20, count: Int(ControlServer.maxRequestBytes) + 1), timeoutMs: 500) == nil, "dropped, not read")
        #expect((try ask("silence list")["silences"] as? [Any])?.count == 1)
        #expect(try ask("stats")["ingest"] != nil)
    }
}
