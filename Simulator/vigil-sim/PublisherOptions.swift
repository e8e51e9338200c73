import ArgumentParser

/// Where the simulator's PUB socket sends frame reports: the options every command that feeds a
/// daemon shares.
struct PublisherOptions: ParsableArguments {
    /// `--endpoint`: the daemon's detection endpoint, connected to.
    @Option(help: ArgumentHelp("Connect the PUB socket to the daemon's detection endpoint (default tcp://127.0.0.1:7601 unless --bind is given).", valueName: "endpoint"))
    var endpoint: String?

    /// `--bind`: an endpoint bound instead, for a daemon that connects to gateways.
    @Option(help: ArgumentHelp("Bind the PUB socket here instead, for a daemon that connects to gateways.", valueName: "endpoint"))
    var bind: String?

    /// The endpoints the PUB socket connects to: --endpoint, else the default unless --bind is given.
    var connectEndpoints: [String] { endpoint.map { [$0] } ?? (bind == nil ? ["tcp://127.0.0.1:7601"] : []) }

    /// The endpoints the PUB socket binds: --bind, if given.
    var bindEndpoints: [String] { bind.map { [$0] } ?? [] }
}
