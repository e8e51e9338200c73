import Foundation
import VigilCore
import VigilJournal

/// The journal's raw write cost: ``AlertJournal/append(_:snapshot:nowMs:)`` on a file in a
/// temporary folder, as the daemon's writer thread calls it, for each batch size (alerts per
/// transaction), with and without a state snapshot blob, under `synchronous = NORMAL` and `FULL`.
///
/// Each trial opens a new journal and commits batches for at least `seconds` (and at least 5
/// commits), after one warm-up commit. The alerts of each batch are encoded with
/// ``AlertEncoder`` before the clock starts for that commit (the daemon encodes them before it
/// times its commit too); only `append` is timed. The snapshot is random bytes (SQLite stores a
/// blob as it is, so its content does not matter, only its size).
struct JournalWriteBenchmark {
    /// One measured configuration.
    struct Setting: Hashable {
        /// `PRAGMA synchronous`, the snapshot's size (0: none) and the alerts a commit.
        var synchronous: AlertJournal.Synchronous
        var snapshotBytes: Int
        var batch: Int
    }

    /// Medians over the trials of one setting.
    struct Result {
        /// The setting, its alerts a second and its µs a commit.
        var setting: Setting
        var alertsPerSecond: Double
        var microsecondsPerCommit: Double
    }

    /// Alerts a commit, one setting each.
    var batches: [Int]
    /// Size of the snapshot blob in the settings with one.
    var snapshotBytes: Int
    /// Trials of each setting, and seconds of commits in each.
    var trials: Int
    var seconds: Double

    /// A realistic alert: a vehicle seen by two cameras crossing at Rabia, with its rule.
    static let event = AlertMessage(
        id: "inc-20260514-rabia-000412", state: .raised, kind: "border_crossing", severity: .critical, objectClass: .vehicle,
        count: 1, sector: "S12", zone: "iq-sy-border", lat: 36.792131, lon: 42.089312, direction: "SY->IQ",
        cameras: ["cam-rabia-17", "cam-rabia-18"], firstTs: 1_795_228_381_250, lastTs: 1_795_228_387_250, rule: "crossing")

    /// Runs every setting and returns the medians over the trials.
    func run() throws -> [Result] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-journal-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SystemRandomNumberGenerator()
        let blob = (0..<snapshotBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var results: [Result] = []
        for synchronous in [AlertJournal.Synchronous.normal, .full] {
            for withSnapshot in [false, true] {
                for batch in batches {
                    let setting = Setting(synchronous: synchronous, snapshotBytes: withSnapshot ? snapshotBytes : 0, batch: batch)
                    var rates: [Double] = [], perCommit: [Double] = []
                    for trial in 0..<trials {
                        let path = folder.appendingPathComponent("journal-\(trial).sqlite").path
                        let (rate, micros) = try measure(setting, path: path, snapshot: withSnapshot ? blob : nil)
                        rates.append(rate)
                        perCommit.append(micros)
                        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                    }
                    results.append(Result(setting: setting, alertsPerSecond: Summary.median(rates), microsecondsPerCommit: Summary.median(perCommit)))
                }
            }
        }
        return results
    }

    /// One trial: alerts a second and microseconds a commit.
    private func measure(_ setting: Setting, path: String, snapshot: [UInt8]?) throws -> (Double, Double) {
        let journal = try AlertJournal(path: path, synchronous: setting.synchronous)
        var seq: UInt64 = 0
        var records: [JournalRecord] = []
        records.reserveCapacity(setting.batch)
        func fill(nowMs: Int64) {
            records.removeAll(keepingCapacity: true)
            for _ in 0..<setting.batch {
                seq += 1
                records.append(JournalRecord(seq: seq, emittedMs: nowMs, topic: Self.event.topic, payload: AlertEncoder.encode(Self.event, seq: seq, emittedTs: nowMs)))
            }
        }
        let nowMs = Int64(Date().timeIntervalSince1970 * 1_000)
        fill(nowMs: nowMs)
        try journal.append(records, snapshot: snapshot, nowMs: nowMs)  // warm-up
        var elapsed: UInt64 = 0, commits = 0
        let budget = UInt64(seconds * 1e9)
        while elapsed < budget || commits < 5 {
            fill(nowMs: nowMs)
            let start = DispatchTime.now().uptimeNanoseconds
            try journal.append(records, snapshot: snapshot, nowMs: nowMs)
            elapsed += DispatchTime.now().uptimeNanoseconds - start
            commits += 1
        }
        let seconds = Double(elapsed) / 1e9
        return (Double(commits * setting.batch) / seconds, seconds * 1e6 / Double(commits))
    }

    /// The size of the alert payload, bytes, and of its topic.
    static var payloadBytes: (payload: Int, topic: Int) {
        (AlertEncoder.encode(event, seq: 1_234_567, emittedTs: 1_795_228_387_301).count, event.topic.utf8.count)
    }
}

/// Order statistics for the journal benchmark's figures.
enum Summary {
    /// The median of `values` (the upper one for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// The `p`-th percentile (0...1) of `values` by the nearest-rank method; 0 for none.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
