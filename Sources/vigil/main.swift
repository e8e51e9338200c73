import ArgumentParser

/// `vigil`: the operator's command-line tool.
struct Vigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Vigil operator tool: follow alerts, read the daemon's counters.",
        subcommands: [Tail.self, Stats.self, Zones.self, SilenceCommands.self])
}

Vigil.main()
