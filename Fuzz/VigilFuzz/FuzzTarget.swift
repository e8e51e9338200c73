/// One libFuzzer target of `scripts/fuzz.sh`: its name (the folder of its entry point,
/// `Fuzz/<name>/main.swift`, and of its seed corpus, `Fuzz/corpus/<name>/`), the function its
/// `LLVMFuzzerTestOneInput` calls, and its generated seeds. The test target `VigilFuzzTests`
/// runs every file of every corpus through ``run`` and checks the generated seeds are there.
public struct FuzzTarget: Sendable {
    /// The target's name: `engine`, `parser`, `catchup`, `control`, `capture` or `config`.
    public let name: String
    /// Runs one input (any bytes); traps on a failed check.
    public let run: @Sendable (UnsafeRawBufferPointer) -> Void
    /// The generated seeds, by file name (without the `seed-` prefix the corpus gives them).
    public let seeds: @Sendable () -> [(name: String, bytes: [UInt8])]

    /// Runs one input given as an array.
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }

    /// Every target, in the order `scripts/fuzz.sh all` runs them.
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "engine", run: { EngineFuzz.run($0) }, seeds: { EngineFuzzSeeds.all }),
        FuzzTarget(name: "parser", run: { ParserFuzz.run($0) }, seeds: { ParserFuzz.seeds }),
        FuzzTarget(name: "catchup", run: { CatchUpFuzz.run($0) }, seeds: { CatchUpFuzz.seeds }),
        FuzzTarget(name: "control", run: { ControlFuzz.run($0) }, seeds: { ControlFuzz.seeds }),
        FuzzTarget(name: "capture", run: { CaptureFuzz.run($0) }, seeds: { CaptureFuzz.seeds }),
        FuzzTarget(name: "config", run: { ConfigFuzz.run($0) }, seeds: { ConfigFuzz.seeds }),
    ]

    /// What a target's `LLVMFuzzerInitialize` does: `prepare` (loading the configuration, so
    /// that it is not counted against the first input); returns 0, as libFuzzer expects.
    public static func initialize(_ prepare: () -> Void) -> CInt {
        prepare()
        return 0
    }

    /// What a target's `LLVMFuzzerTestOneInput` does: `run` on libFuzzer's `size` bytes at
    /// `data`, timed by ``FuzzTiming``; returns 0, as libFuzzer expects.
    public static func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int, _ run: (UnsafeRawBufferPointer) -> Void) -> CInt {
        FuzzTiming.measure(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size), run)
        return 0
    }

    /// The target called `name`, if any.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
