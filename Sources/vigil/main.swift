import ArgumentParser

/// `vigil`: the operator's command-line tool.
struct Vigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Vigil operator tool: follow alerts, silence them, read the counters, record and replay feeds, test rules, check coverage.",
        subcommands: [
            Tail.self, Stats.self, Zones.self, SilenceCommands.self, Record.self, Replay.self, RulesCommands.self, Coverage.self, KeysCommands.self, Passwd.self, ConfigCommands.self, Reload.self, Follow.self, ClusterCommands.self,
        ])
}

Vigil.main()
