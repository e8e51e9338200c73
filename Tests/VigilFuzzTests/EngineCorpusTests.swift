import Foundation
import Testing
import VigilFuzz

/// The engine's fuzz corpus as a regression suite: every file of `Fuzz/corpus/engine/` runs
/// through the harness (a trap or a broken alert life cycle stops the test run), and the
/// generated seeds are all there, unchanged.
@Suite(.serialized) struct EngineCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/engine")

    static func corpusFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func everyCorpusFileRuns() throws {
        let files = try Self.corpusFiles()
        #expect(files.count >= EngineFuzzSeeds.all.count)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            let summary = EngineFuzz.run(bytes)
            #expect(bytes.isEmpty || summary.messages + summary.ticks + summary.restarts + summary.silences > 0, "\(file.lastPathComponent) did nothing")
        }
    }

    /// With `VIGIL_FUZZ_WRITE_CORPUS=1`, writes the seeds into the corpus instead.
    @Test func seedsAreInTheCorpus() throws {
        let write = ProcessInfo.processInfo.environment["VIGIL_FUZZ_WRITE_CORPUS"] == "1"
        if write { try FileManager.default.createDirectory(at: Self.corpus, withIntermediateDirectories: true) }
        for (name, bytes) in EngineFuzzSeeds.all {
            let file = Self.corpus.appendingPathComponent("seed-" + name)
            if write {
                try Data(bytes).write(to: file)
            } else {
                let stored = try? [UInt8](Data(contentsOf: file))
                #expect(stored == bytes, "seed \(name) is missing from Fuzz/corpus/engine or differs (scripts/fuzz.sh seeds)")
            }
        }
    }

    /// The seeds reach what they are meant to: alerts raised and resolved, crossings, camera
    /// health, reboots, rejections of every kind the faults make.
    @Test func seedsReachTheEngine() {
        var total = EngineFuzz.Summary()
        var kinds: Set<String> = []
        var reasons: Set<String> = []
        let verbose = ProcessInfo.processInfo.environment["VIGIL_FUZZ_VERBOSE"] == "1"
        for (name, bytes) in EngineFuzzSeeds.all {
            let summary = EngineFuzz.run(bytes)
            if verbose { print("\(name): \(bytes.count) bytes, \(summary)") }
            total.raised += summary.raised
            total.resolved += summary.resolved
            total.restarts += summary.restarts
            total.cameraRestarts += summary.cameraRestarts
            total.framesMissing += summary.framesMissing
            total.duplicates += summary.duplicates
            kinds.formUnion(summary.kinds)
            reasons.formUnion(summary.rejected.keys)
        }
        #expect(total.raised > 0 && total.resolved > 0)
        #expect(kinds.isSuperset(of: ["border_crossing", "camera_offline"]), "kinds: \(kinds.sorted())")
        #expect(total.cameraRestarts > 0 && total.framesMissing > 0 && total.duplicates > 0)
        #expect(reasons.isSuperset(of: ["future_ts", "too_late", "bad_json", "bad_version", "unknown_camera", "camera_mismatch", "wrong_sector", "oversize", "too_many_detections"]), "reasons: \(reasons.sorted())")
    }

    /// Any bytes are an input: short, empty, and every single byte.
    @Test func anyBytesRun() {
        EngineFuzz.run([])
        for byte in 0...UInt8.max { EngineFuzz.run([byte]) }
        EngineFuzz.run([UInt8](repeating: 0xFF, count: 64))
    }
}
