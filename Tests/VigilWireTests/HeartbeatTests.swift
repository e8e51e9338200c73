import Testing

@testable import VigilWire

/// The heartbeat: written by the daemon, read by consumers, through one type.
@Suite struct HeartbeatTests {
    @Test func encodesTheBytesTheDaemonAlwaysPublished() {
        let beat = Heartbeat(latestSeq: 5_310, oldestSeq: 1, ts: 1_795_228_387_253)
        #expect(String(decoding: beat.encoded(), as: UTF8.self) == #"{"v":1,"latest_seq":5310,"oldest_seq":1,"ts":1795228387253}"#)
        #expect(Heartbeat.topic == "heartbeat")
    }

    @Test func inAClusterItNamesTheEpochTheNodeAndTheBase() throws {
        let beat = Heartbeat(latestSeq: 5_310, oldestSeq: 1, ts: 7, epoch: 43, node: "vigil-\"b", epochBase: 5_300)
        #expect(
            String(decoding: beat.encoded(), as: UTF8.self)
                == #"{"v":1,"latest_seq":5310,"oldest_seq":1,"ts":7,"epoch":43,"node":"vigil-\"b","epoch_base":5300}"#)
        #expect(try Heartbeat.decode(beat.encoded()) == beat)
        #expect(throws: AlertDecodingError.self) { try Heartbeat.decode(Array(#"{"latest_seq":1,"epoch":"43"}"#.utf8)) }
    }

    @Test(arguments: [
        Heartbeat(latestSeq: 0, oldestSeq: 0, ts: 0), Heartbeat(latestSeq: .max, oldestSeq: .max, ts: .max),
        Heartbeat(latestSeq: 1, oldestSeq: 1, ts: .min), Heartbeat(latestSeq: 5_310, oldestSeq: 17, ts: 1_795_228_387_253),
    ])
    func roundTrips(_ beat: Heartbeat) throws {
        #expect(try Heartbeat.decode(beat.encoded()) == beat)
    }

    @Test func onlyLatestSeqIsRequiredAndUnknownFieldsAreIgnored() throws {
        #expect(try Heartbeat.decode(Array(#"{"latest_seq":7}"#.utf8)) == Heartbeat(latestSeq: 7, oldestSeq: 0, ts: 0))
        #expect(try Heartbeat.decode(Array(#"{"v":2,"latest_seq":7e0,"oldest_seq":null,"newer":[1e400]}"#.utf8)).latestSeq == 7)
    }

    @Test(arguments: [
        (#"{"oldest_seq":1}"#, AlertDecodingError.Code.missingField, "latest_seq"),
        (#"{"latest_seq":null}"#, .missingField, "latest_seq"),
        (#"{"latest_seq":"7"}"#, .wrongType, "latest_seq"),
        (#"{"latest_seq":-1}"#, .badValue, "latest_seq"),
        (#"{"latest_seq":18446744073709551616}"#, .badValue, "latest_seq"),
        (#"{"latest_seq":1.5}"#, .badValue, "latest_seq"),
        (#"{"latest_seq":1e400}"#, .badValue, "latest_seq"),
        (#"{"latest_seq":1,"oldest_seq":true}"#, .wrongType, "oldest_seq"),
        (#"{"latest_seq":1,"ts":9223372036854775808}"#, .badValue, "ts"),
    ])
    func refusesWhatIsNotAHeartbeatByField(_ json: String, _ code: AlertDecodingError.Code, _ field: String) {
        do {
            let beat = try Heartbeat.decode(Array(json.utf8))
            Issue.record("\(json) decoded as \(beat)")
        } catch {
            #expect(error.code == code && error.field == field, "\(json): \(error)")
        }
    }

    @Test(arguments: ["", "[]", "5", "{", "\u{0}", "{\"latest_seq\":1}x"])
    func refusesWhatIsNotAnObject(_ text: String) {
        #expect(throws: AlertDecodingError.self) { try Heartbeat.decode(Array(text.utf8)) }
        #expect((try? Heartbeat.decode([0xFF, 0xFE])) == nil)
    }
}
