import ArgumentParser

/// The `vigil-sim` command.
struct VigilSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-sim",
        abstract: "Drive vigild with realistic scenarios on the Iraq–Syria border, as a sensor gateway.",
        subcommands: [RunCommand.self, SinkCommand.self, TrialsCommand.self, NuisanceCommand.self])
}
