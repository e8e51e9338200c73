import ArgumentParser
// Being written by the parser work; replaced wholesale.
struct ParserBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse")
}
