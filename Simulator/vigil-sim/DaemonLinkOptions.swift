import ArgumentParser

/// How a soak or a trial run reaches the daemon and its configuration: the options
/// `vigil-sim trials` and `vigil-sim nuisance` share (`vigil-sim run` shares the publisher's).
struct DaemonLinkOptions: ParsableArguments {
    /// `--config`: where cameras, zones and rules are read from.
    @Option(help: ArgumentHelp("The configuration directory (cameras.geojson, zones.geojson, rules.yaml).", valueName: "dir"))
    var config = "Config"

    /// Where frames go.
    @OptionGroup var publisher: PublisherOptions

    /// `--warmup-ms`: the pause before the first frame.
    @Option(help: ArgumentHelp("Milliseconds to wait after connecting before the first frame (PUB/SUB slow joiner).", valueName: "ms"))
    var warmupMs = 500

    /// `--alerts`: the daemon's alerts, received and scored.
    @Option(help: ArgumentHelp("The daemon's alert endpoint to subscribe to.", valueName: "endpoint"))
    var alerts = "tcp://127.0.0.1:7602"

    /// `--control`: the daemon's counters, for flow control.
    @Option(help: ArgumentHelp("The daemon's control endpoint, asked (stats) how far it has got so the run never outpaces it.", valueName: "endpoint"))
    var control = "tcp://127.0.0.1:7603"

    func validate() throws {
        guard warmupMs >= 0 else { throw ValidationError("--warmup-ms must be 0 or more") }
    }
}
