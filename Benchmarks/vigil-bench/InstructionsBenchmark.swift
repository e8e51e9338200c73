import ArgumentParser
import Foundation
import VigilCapture
import VigilConfig
import VigilCore

/// `vigil-bench instructions`: instructions per frame of the engine for a fixed replay, counted
/// by valgrind's callgrind: a figure that does not depend on the machine's noise, so that a
/// regression shows in one run (these machines have no hardware counters for `perf stat`).
///
/// Two captures of the same deterministic feed (``LoadGenerator`` from a fixed start: every
/// camera, 10 frames a second, a person crossing ahead of each and an animal in view), of N and
/// 2N frames, are replayed by `vigil replay --format none` (the processor the daemon runs: frame
/// validation, the engine, the silences, the alert messages) under callgrind; the difference of
/// the two counts over N is the cost of a frame, the start-up (configuration, zones) cancelled
/// out. No ZeroMQ and no journal: the processing queue's share of vigild's work.
struct InstructionsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instructions", abstract: "Instructions per frame of a fixed replay (valgrind --tool=callgrind).")

    @Option(help: "Folder holding the vigil executable (release build).")
    var bin = ".build/release"
    @Option(help: "vigild's settings file.")
    var config = "Config/vigild.yaml"
    @Option(help: "Frames in the smaller capture (the larger has twice as many).")
    var frames = 20_000
    @Option(help: "Keep the captures and callgrind's profiles (callgrind.out.<frames>, for callgrind_annotate) in this folder.")
    var keep: String?

    func run() throws {
        let configuration = try VigilConfiguration.load(path: config)
        let border = try borderLine(of: configuration, path: config)
        let startMs: Int64 = 1_796_000_000_000
        let messages = LoadGenerator.make(count: 2 * frames, cameras: configuration.cameras, border: border, startMs: startMs)
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-instructions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        // valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes: a copy without it.
        let vigil = folder.appendingPathComponent("vigil").path
        try? FileManager.default.removeItem(atPath: vigil)
        try FileManager.default.copyItem(atPath: "\(bin)/vigil", toPath: vigil)
        try run("/usr/bin/strip", ["--strip-debug", vigil])
        var counts: [Int: UInt64] = [:]
        for size in [frames, 2 * frames] {
            let path = folder.appendingPathComponent("feed-\(size).cap").path
            let writer = try CaptureWriter(path: path, header: CaptureHeader(startedMs: startMs))
            for (i, message) in messages.prefix(size).enumerated() {
                // Received as the feed was made: 10 frames a second a camera.
                try writer.append(CapturedMessage(receivedMs: startMs + Int64(i / configuration.cameras.count) * 100, topic: message.topic, payload: message.payload))
            }
            try writer.close()
            let profile = keep == nil ? "/dev/null" : folder.appendingPathComponent("callgrind.out.\(size)").path
            counts[size] = try callgrind([vigil, "replay", path, "--config", config, "--format", "none"], profile: profile)
            print("\(size) frames: \(counts[size]!) instructions in all")
        }
        let perFrame = Double(counts[2 * frames]! - counts[frames]!) / Double(frames)
        print(String(format: "instructions a frame: %.0f (the %d frames between the two captures)", perFrame, frames))
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(tool) \(arguments.joined(separator: " ")) failed") }
    }

    /// The instructions callgrind counted for `command` (its `Collected :` line); its profile
    /// goes to `profile`.
    private func callgrind(_ command: [String], profile: String) throws -> UInt64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/valgrind")
        process.arguments = ["--tool=callgrind", "--callgrind-out-file=\(profile)"] + command
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = output.split(separator: "\n").first(where: { $0.contains("Collected :") }),
            let count = UInt64(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
        else { throw ValidationError("callgrind failed (status \(process.terminationStatus)): \(output.suffix(2_000))") }
        return count
    }
}
