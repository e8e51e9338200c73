import ArgumentParser
import VigilConfig
import ZeroMQ

/// `--server-key` and `--key`: how `vigil tail`, `stats` and `silence` reach a vigild whose
/// endpoints speak CURVE (`security.server_certificate`): as a consumer or an operator with a
/// key listed in its configuration.
struct ClientKeys: ParsableArguments {
    @Option(name: .customLong("server-key"), help: ArgumentHelp("vigild's certificate (vigild.key): speak CURVE to it.", valueName: "file"))
    var serverKey: String?

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("Your secret certificate (NAME.key_secret, mode 0600), listed in vigild's security.consumers or operators.", valueName: "file"))
    var key: String?

    func validate() throws {
        if (serverKey == nil) != (key == nil) { throw ValidationError("--server-key and --key go together") }
    }

    /// Plaintext without the options; else CURVE with these keys. A ``Failure`` (78) for a
    /// certificate that cannot be read or is not the owner's alone.
    func security() throws -> SocketPlan.Security {
        guard let serverKey, let key else { return .none }
        do {
            let certificates = try ClientCertificates.load(server: serverKey, client: key)
            return try .curveClient(serverPublicKey: certificates.serverPublicKey, secretKey: certificates.own.secretKey ?? "")
        } catch {
            throw Failure("\(error)", code: 78)
        }
    }
}
