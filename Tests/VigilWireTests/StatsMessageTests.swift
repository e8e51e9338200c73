import Foundation
import Testing

@testable import VigilWire

/// The `stats` control reply: written by the daemon, read by `vigil stats --missing`, through one type.
@Suite struct StatsMessageTests {
    /// A reply as vigild wrote it with JSONSerialization before StatsMessage (a fresh daemon).
    static let captured = #"{"catchup":{"alerts_served":0,"refused":0,"requests":0},"daemon":{"abnormal_ends":0,"pid":17883,"started_ms":1796595727169},"engine":{"camera_restarts":0,"cameras_offline":0,"cameras_offline_now":0,"cameras_returned":0,"detections":0,"detections_masked":0,"detections_unknown_class":0,"frames_accepted":0,"frames_duplicate":0,"frames_held":0,"frames_missing":0,"frames_missing_by_camera":{},"frames_reordered":0,"group_joins":0,"group_splits":0,"health_incidents_open":0,"incidents_open":0,"inhibited":0,"raised":0,"resolved":0,"suppressed":0,"targets_active":0,"targets_created":0,"tracks_active":0,"tracks_fused":0,"updated":0},"ingest":{"batches":0,"dropped_queue_full":0,"handed_over":0,"received":0,"stalls":0},"journal":{"commit_ms_max":0,"commit_ms_mean":0,"commits":0,"failures":0,"held":0,"held_bytes":0,"latest_seq":0,"oldest_seq":0,"pending":0,"snapshot_bytes":0,"snapshots":0},"ok":true,"processed":0,"publish":{"heartbeats":1,"last_seq":0,"published":0},"rejected":{},"rejected_total":0,"silences":{"active":0,"held":0}}"#

    /// Every counter different and not zero, frames missing for two cameras, an abnormal end.
    static var busy: StatsMessage {
        var stats = StatsMessage()
        for (index, (_, path)) in StatsMessage.ingestKeys.enumerated() { stats.ingest[keyPath: path] = UInt64(100 + index) }
        for (index, (_, path)) in StatsMessage.engineKeys.enumerated() { stats.engine[keyPath: path] = UInt64(200 + index) }
        for (index, (_, path)) in StatsMessage.publishKeys.enumerated() { stats.publish[keyPath: path] = UInt64(300 + index) }
        for (index, (_, path)) in StatsMessage.journalKeys.enumerated() { stats.journal[keyPath: path] = UInt64(400 + index) }
        for (index, (_, path)) in StatsMessage.catchUpKeys.enumerated() { stats.catchup[keyPath: path] = UInt64(500 + index) }
        for (index, (_, path)) in StatsMessage.silencesKeys.enumerated() { stats.silences[keyPath: path] = UInt64(600 + index) }
        stats.engine.framesMissingByCamera = ["cam-b": 3, "cam-a": 18_446_744_073_709_551_615]
        for endpoint in ["ingest", "alerts"] {
            var connections = StatsMessage.Connections()
            for (index, (_, path)) in StatsMessage.connectionsKeys.enumerated() { connections[keyPath: path] = UInt64(700 + index) }
            stats.connections[endpoint] = connections
        }
        var standby = StatsMessage.Standby()
        for (index, (_, path)) in StatsMessage.standbyKeys.enumerated() { standby[keyPath: path] = UInt64(800 + index) }
        stats.replication = ["standby-b": standby, "standby-c": StatsMessage.Standby(ackedSeq: 7, lagSeq: 0, sync: 1, live: 1)]
        stats.rejected = ["too_late": 2, "bad_json": 5]
        stats.rejectedTotal = 7
        stats.processed = 12
        stats.journal.commitMsMean = 0.412
        stats.journal.commitMsMax = 2
        stats.daemon = RunStats(
            pid: 4_242, startedMs: 1_796_595_727_169, abnormalEnds: 2,
            lastAbnormalEnd: .init(pid: 4_000, startedMs: 1_796_595_000_000, endedMs: 1_796_595_700_000, status: nil, signal: "SIGKILL"))
        return stats
    }

    @Test func readsTheReplyTheDaemonWrote() throws {
        let stats = try StatsMessage.decode(Array(Self.captured.utf8))
        #expect(stats.publish.heartbeats == 1 && stats.engine.framesMissingByCamera.isEmpty && stats.rejected.isEmpty)
        #expect(stats.daemon?.pid == 17_883 && stats.daemon?.startedMs == 1_796_595_727_169 && stats.daemon?.lastAbnormalEnd == nil)
        var expected = StatsMessage()
        expected.publish.heartbeats = 1
        expected.daemon = RunStats(pid: 17_883, startedMs: 1_796_595_727_169)
        #expect(stats == expected)
    }

    /// The bytes the daemon wrote before, with the counters added since (issue 15:
    /// `catchup.replies_dropped`; issue 16: `journal.alert_state_bytes`, `journal.patches`,
    /// `journal.patch_bytes`) in their sorted places.
    @Test func writesTheBytesTheDaemonWroteBefore() {
        var stats = StatsMessage()
        stats.publish.heartbeats = 1
        stats.daemon = RunStats(pid: 17_883, startedMs: 1_796_595_727_169)
        let added = Self.captured.replacingOccurrences(of: #""refused":0,"requests":0"#, with: #""refused":0,"replies_dropped":0,"requests":0"#)
            .replacingOccurrences(of: #""journal":{"commit_ms_max""#, with: #""journal":{"alert_state_bytes":0,"commit_ms_max""#)
            .replacingOccurrences(of: #""oldest_seq":0,"pending":0,"snapshot_bytes""#, with: #""oldest_seq":0,"patch_bytes":0,"patches":0,"pending":0,"snapshot_bytes""#)
        #expect(added != Self.captured)
        #expect(String(decoding: stats.encoded(), as: UTF8.self) == added)
    }

    @Test func keysAreSortedAtEveryLevelAndTheCommitTimesAreNumbersAsJSONSerializationWroteThem() {
        let text = String(decoding: Self.busy.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"catchup":{"alerts_served":502,"refused":501,"replies_dropped":503,"requests":500},"connections":{"alerts":{"accept_failed":704,"closed_at_limit":703,"handshakes_failed":705,"limit":700,"open":701,"peak":702},"ingest":{"accept_failed":704,"#
            + #""closed_at_limit":703,"handshakes_failed":705,"limit":700,"open":701,"peak":702}},"daemon":{"abnormal_ends":2,"last_abnormal_end":{"ended_ms":1796595700000,"pid":4000,"signal":"SIGKILL","started_ms":1796595000000},"pid":4242,"started_ms":1796595727169},"engine":{"camera_restarts":202,"#))
        #expect(text.contains(#""frames_missing_by_camera":{"cam-a":18446744073709551615,"cam-b":3}"#))
        #expect(text.contains(#""journal":{"alert_state_bytes":409,"commit_ms_max":2,"commit_ms_mean":0.412,"commits":404,"#))
        #expect(text.contains(#""ok":true,"processed":12,"#) && text.contains(#""rejected":{"bad_json":5,"too_late":2},"rejected_total":7,"#))
        #expect(StatsMessage.number(1e-7) == "1e-07" && StatsMessage.number(0) == "0" && StatsMessage.number(.nan) == "0")
    }

    @Test func roundTrips() throws {
        #expect(try StatsMessage.decode(Self.busy.encoded()) == Self.busy)
        #expect(try StatsMessage.decode(StatsMessage().encoded()) == StatsMessage())
    }

    @Test func absentCountersAreZeroAndUnknownKeysAreIgnored() throws {
        let stats = try StatsMessage.decode(Array(#"{"ok":true,"engine":{"frames_missing_by_camera":{"cam-a":4},"newer":[1.5]},"newer":{}}"#.utf8))
        var expected = StatsMessage()
        expected.engine.framesMissingByCamera = ["cam-a": 4]
        #expect(stats == expected)
    }

    @Test(arguments: [
        ("[1]", "expected a JSON object"),
        (#"{"engine":{"frames_missing_by_camera":{"cam-a":-1}}}"#, #"field "engine.frames_missing_by_camera.cam-a""#),
        (#"{"engine":{"frames_missing_by_camera":[]}}"#, #"field "engine.frames_missing_by_camera""#),
        (#"{"journal":{"commit_ms_mean":"0.4"}}"#, #"field "journal.commit_ms_mean""#),
        (#"{"ingest":{"received":1.5}}"#, #"field "ingest.received""#),
        (#"{"daemon":{"started_ms":1}}"#, #"field "daemon.pid""#),
    ])
    func refusesAValueOfTheWrongTypeByItsPath(_ json: String, _ expected: String) {
        #expect { try StatsMessage.decode(Array(json.utf8)) } throws: { "\($0)".contains(expected) }
    }
}
