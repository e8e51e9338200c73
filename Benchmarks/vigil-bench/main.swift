import ArgumentParser

/// `vigil-bench`: Vigil's benchmarks. Run them in release builds (`make bench`).
struct VigilBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Vigil's benchmarks (run in release builds: make bench).",
        subcommands: [ThroughputBenchmark.self, ParserBenchmark.self, ZonesBenchmark.self, MemoryBenchmark.self, SoakBenchmark.self, JournalBenchmark.self, CPUBenchmark.self, LatencyBenchmark.self, StartupBenchmark.self, InstructionsBenchmark.self, Forwarder.self]
    )
}

VigilBench.main()
