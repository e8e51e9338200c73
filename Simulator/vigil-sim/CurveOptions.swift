import ArgumentParser
import VigilConfig
import ZeroMQ

/// `--server-key` and `--key`: the simulator as a gateway (and, scoring, a consumer) of a vigild
/// with `security.server_certificate`.
struct CurveOptions: ParsableArguments {
    @Option(name: .customLong("server-key"), help: ArgumentHelp("vigild's certificate (NAME.key): speak CURVE to it.", valueName: "file"))
    var serverKey: String?

    @Option(name: .customLong("key"), help: ArgumentHelp("This gateway's secret certificate (NAME.key_secret, mode 0600), listed in vigild's security.gateways (and consumers, to --score).", valueName: "file"))
    var key: String?

    func validate() throws {
        guard (serverKey == nil) == (key == nil) else { throw ValidationError("--server-key and --key go together") }
    }

    /// Plaintext without the options; else a CURVE client with this gateway's keys.
    func security() throws -> SocketPlan.Security {
        guard let serverKey, let key else { return .none }
        let certificates = try ClientCertificates.load(server: serverKey, client: key)
        return try .curveClient(serverPublicKey: certificates.serverPublicKey, secretKey: certificates.own.secretKey ?? "")
    }
}
