import Foundation

/// A CurveZMQ certificate as czmq and pyzmq's `zmq.auth` write it: a public file (`NAME.key`,
/// to hand out) and a secret file (`NAME.key_secret`, for its owner only), each a `metadata`
/// section and a `curve` section with `public-key = "…"` (and in the secret file
/// `secret-key = "…"`), keys in Z85 (40 characters), `#` comments.
///
/// The keys are kept as their Z85 text, checked for form only (40 characters of the Z85
/// alphabet); the socket layer decodes them.
public struct Certificate: Sendable, Equatable {
    /// The public key, Z85.
    public var publicKey: String
    /// The secret key, Z85; nil in a public certificate.
    public var secretKey: String?
    /// The `metadata` section's entries.
    public var metadata: [String: String]

    /// A certificate of these keys.
    public init(publicKey: String, secretKey: String? = nil, metadata: [String: String] = [:]) {
        self.publicKey = publicKey
        self.secretKey = secretKey
        self.metadata = metadata
    }

    /// Whether `text` has the form of a Z85 CURVE key: 40 characters of RFC 32's alphabet.
    public static func isZ85Key(_ text: String) -> Bool {
        let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
        return text.utf8.count == 40 && text.utf8.allSatisfy(alphabet.contains)
    }

    /// Reads the certificate at `path`. With `secret`, the file must hold a secret key and be
    /// readable by its owner alone (mode 0600 or stricter): a secret others can read is refused.
    public static func read(path: String, secret: Bool = false) throws(ConfigError) -> Certificate {
        if secret {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw ConfigError(file: path, key: "", "cannot read the secret certificate: \(String(cString: strerror(errno)))")
            }
            if info.st_mode & 0o077 != 0 {
                throw ConfigError(
                    file: path, key: "",
                    "the secret certificate can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); expected 0600: chmod 600 \(path)")
            }
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, key: "", "cannot read the certificate: \(error.localizedDescription)")
        }
        let certificate = try parse(text, file: path)
        if secret && certificate.secretKey == nil {
            throw ConfigError(file: path, key: "curve.secret-key", "missing; expected the secret certificate (NAME.key_secret), not the public one")
        }
        return certificate
    }

    /// Parses a certificate's text; errors name `file` and the line's key.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> Certificate {
        var section = ""
        var publicKey: String?
        var secretKey: String?
        var metadata: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let indented = raw.first == " " || raw.first == "\t"
            guard indented else {
                section = line
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigError(file: file, key: "line \(number + 1)", "expected name = \"value\"")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            switch (section, name) {
            case ("curve", "public-key"): publicKey = value
            case ("curve", "secret-key"): secretKey = value
            case ("metadata", _): metadata[name] = value
            default: continue
            }
        }
        guard let publicKey else { throw ConfigError(file: file, key: "curve.public-key", "missing; expected a CURVE certificate") }
        guard isZ85Key(publicKey) else {
            throw ConfigError(file: file, key: "curve.public-key", "expected 40 characters of Z85, found \(publicKey.count) characters")
        }
        if let secretKey, !isZ85Key(secretKey) {
            throw ConfigError(file: file, key: "curve.secret-key", "expected 40 characters of Z85")
        }
        return Certificate(publicKey: publicKey, secretKey: secretKey, metadata: metadata)
    }

    /// The file's text: the public certificate, or with `secret` the secret one.
    public func text(secret: Bool, generator: String = "vigil keys new") -> String {
        var lines = [
            "#   ****  Generated by \(generator)  ****",
            secret ? "#   ZeroMQ CURVE **Secret** Certificate" : "#   ZeroMQ CURVE Public Certificate",
            secret
                ? "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions."
                : "#   Exchange securely, or use a secure mechanism to verify the contents of this file after exchange.",
            "",
            "metadata",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { lines.append("    \(key) = \"\(value)\"") }
        lines.append("curve")
        lines.append("    public-key = \"\(publicKey)\"")
        if secret, let secretKey { lines.append("    secret-key = \"\(secretKey)\"") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `<base>.key` (public, mode 0644) and `<base>.key_secret` (mode 0600, created so:
    /// never readable by others, not even for an instant); refuses to overwrite either.
    /// Returns the two paths.
    public func write(base: String) throws(ConfigError) -> (publicPath: String, secretPath: String) {
        let publicPath = base + ".key", secretPath = base + ".key_secret"
        for path in [publicPath, secretPath] where FileManager.default.fileExists(atPath: path) {
            throw ConfigError(file: path, key: "", "already exists; remove it first or choose another name")
        }
        try Self.create(secretPath, text(secret: true), mode: 0o600)
        try Self.create(publicPath, text(secret: false), mode: 0o644)
        return (publicPath, secretPath)
    }

    private static func create(_ path: String, _ text: String, mode: mode_t) throws(ConfigError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw ConfigError(file: path, key: "", "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, mode)  // whatever the umask
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw ConfigError(file: path, key: "", "cannot write: \(String(cString: strerror(errno)))") }
    }
}

/// What a client needs to talk to a CURVE vigild: vigild's public key (from its public or secret
/// certificate) and the client's own key pair (its secret certificate, which must be the
/// owner's alone).
public struct ClientCertificates: Sendable, Equatable {
    /// vigild's public key, Z85.
    public var serverPublicKey: String
    /// The client's certificate, with its secret key.
    public var own: Certificate

    /// Reads vigild's certificate at `server` and the client's secret certificate at `client`.
    public static func load(server: String, client: String) throws(ConfigError) -> ClientCertificates {
        let serverPublicKey = try Certificate.read(path: server).publicKey
        return ClientCertificates(serverPublicKey: serverPublicKey, own: try Certificate.read(path: client, secret: true))
    }
}
