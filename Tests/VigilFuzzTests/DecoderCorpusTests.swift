import Foundation
import Testing
import VigilFuzz

/// The decoders' fuzz corpora as a regression suite: every file of `Fuzz/corpus/<target>/` of
/// each target but the engine (``EngineCorpusTests``) runs through the target's function (a trap
/// or a failed differential check stops the test run), and the generated seeds are all there,
/// unchanged.
@Suite(.serialized) struct DecoderCorpusTests {
    static let corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static let targets = FuzzTarget.all.filter { $0.name != "engine" }

    @Test func everyTargetHasAnEntryPoint() {
        let fuzz = Self.corpora.deletingLastPathComponent()
        for target in FuzzTarget.all {
            #expect(FileManager.default.fileExists(atPath: fuzz.appendingPathComponent("\(target.name)/main.swift").path), "Fuzz/\(target.name)/main.swift")
        }
    }

    @Test(arguments: targets.map(\.name)) func everyCorpusFileRuns(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let folder = Self.corpora.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(files.count >= target.seeds().count)
        for file in files {
            target.run(try [UInt8](Data(contentsOf: file)))
        }
    }

    /// With `VIGIL_FUZZ_WRITE_CORPUS=1`, writes the seeds into the corpora instead.
    @Test(arguments: targets.map(\.name)) func seedsAreInTheCorpus(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let folder = Self.corpora.appendingPathComponent(name)
        let write = ProcessInfo.processInfo.environment["VIGIL_FUZZ_WRITE_CORPUS"] == "1"
        if write { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let seeds = target.seeds()
        #expect(Set(seeds.map(\.name)).count == seeds.count, "two seeds of \(name) share a name")
        for (seed, bytes) in seeds {
            let file = folder.appendingPathComponent("seed-" + seed)
            if write {
                try Data(bytes).write(to: file)
            } else {
                let stored = try? [UInt8](Data(contentsOf: file))
                #expect(stored == bytes, "seed \(seed) is missing from Fuzz/corpus/\(name) or differs (scripts/fuzz.sh seeds)")
            }
        }
    }

    /// Any bytes are an input: empty, every single byte, a run of 0xFF.
    @Test(arguments: targets.map(\.name)) func anyBytesRun(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        target.run([])
        for byte in 0...UInt8.max { target.run([byte]) }
        target.run([UInt8](repeating: 0xFF, count: 64))
    }
}
