import ArgumentParser

/// How a run, a soak or a trial run reaches the daemon and its configuration: the options
/// `vigil-sim run`, `trials` and `nuisance` share.
struct DaemonLinkOptions: ParsableArguments {
    /// `--config`: where cameras, zones and rules are read from.
    @Option(help: ArgumentHelp("The configuration directory (cameras.geojson, zones.geojson, rules.yaml; scenarios/ for run).", valueName: "dir"))
    var config = "Config"

    /// Where frames go.
    @OptionGroup var publisher: PublisherOptions

    /// `--warmup-ms`: the pause before the first frame.
    @Option(help: ArgumentHelp("Milliseconds to wait after connecting before the first frame (PUB/SUB slow joiner).", valueName: "ms"))
    var warmupMs = 500

    /// `--alerts`: the daemon's alerts, received and scored.
    @Option(help: ArgumentHelp("The daemon's alert endpoint to subscribe to (run: with --score, and load runs for their latency).", valueName: "endpoint"))
    var alerts = "tcp://127.0.0.1:7602"

    func validate() throws {
        guard warmupMs >= 0 else { throw ValidationError("--warmup-ms must be 0 or more") }
    }
}
