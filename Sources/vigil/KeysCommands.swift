import ArgumentParser
import Foundation
import VigilConfig
import ZeroMQ

/// `vigil keys`: CurveZMQ certificates for vigild, its gateways, consumers and operators.
struct KeysCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and show CurveZMQ certificates (the format czmq and pyzmq's zmq.auth read and write).",
        subcommands: [New.self, Show.self])

    /// `vigil keys new NAME`.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key pair: NAME.key (public, to hand out) and NAME.key_secret (mode 0600, for its owner only).",
            discussion: """
                vigild's own pair goes in security.server_certificate (the _secret file); each gateway's, consumer's \
                and operator's public file (or its public key) goes in security.gateways, consumers or operators, \
                and its secret file stays with that peer. Refuses to overwrite either file.
                """)

        @Argument(help: "The name: an identifier, also written into the certificate's metadata.")
        var name: String

        @Option(help: ArgumentHelp("The folder to write the two files in (made if missing).", valueName: "dir"))
        var dir = "."

        func validate() throws {
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" }) else {
                throw ValidationError("NAME \"\(name)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
            }
        }

        func run() throws {
            guard CurveKeyPair.isAvailable else {
                FileHandle.standardError.write(Data("vigil keys new: this libzmq has no CURVE (built without libsodium)\n".utf8))
                throw ExitCode(69)
            }
            let pair = try CurveKeyPair.generate()
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let certificate = Certificate(publicKey: pair.publicKey.z85, secretKey: pair.secretKey.z85, metadata: ["name": name])
                let written = try certificate.write(base: URL(fileURLWithPath: dir).appendingPathComponent(name).path)
                print("public: \(written.publicPath)\nsecret: \(written.secretPath)\npublic key: \(pair.publicKey.z85)")
            } catch let error as ConfigError {
                FileHandle.standardError.write(Data("vigil keys new: \(error)\n".utf8))
                throw ExitCode(73)  // EX_CANTCREAT
            }
        }
    }

    /// `vigil keys show FILE`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a certificate's public key (never its secret key).")

        @Argument(help: "A certificate file, public or secret.")
        var file: String

        func run() throws {
            do {
                print(try Certificate.read(path: file).publicKey)
            } catch {
                FileHandle.standardError.write(Data("vigil keys show: \(error)\n".utf8))
                throw ExitCode(66)
            }
        }
    }
}
