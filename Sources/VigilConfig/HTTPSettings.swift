import VigilCore

/// vigild's HTTP server (`http:` in `vigild.yaml`): Prometheus metrics, health checks and the
/// operations console.
public struct HTTPSettings: Sendable, Equatable {
    /// An operator who may sign in to the console.
    public struct Account: Sendable, Equatable {
        /// The name every action of theirs is journaled under.
        public var name: String
        /// Their password's bcrypt hash (`$2b$…`, 60 characters): `vigil passwd` makes one.
        public var passwordBcrypt: String

        /// An account.
        public init(name: String, passwordBcrypt: String) {
            self.name = name
            self.passwordBcrypt = passwordBcrypt
        }
    }

    /// Where the server listens: `host:port` (an IPv6 host in brackets). Default
    /// `127.0.0.1:7680`, this machine only; empty: no HTTP server.
    public var bind = "127.0.0.1:7680"
    /// A bind other machines can reach without TLS is refused unless this is true: the console's
    /// passwords and session cookies would cross the network in the clear.
    public var allowPlaintext = false
    /// TLS: the certificate chain and its private key, PEM files (paths relative to vigild.yaml's
    /// folder). Both or neither; with them the server speaks HTTPS only.
    public var tlsCertificate: String?
    public var tlsKey: String?

    /// Whether the server speaks HTTPS.
    public var isTLS: Bool { tlsCertificate != nil }
    /// The operators who may sign in to the console.
    public var accounts: [Account] = []
    /// A console session ends this long after sign-in. Default 12 h.
    public var sessionHours: Double = 12
    /// Where Leaflet's files are (Debian's `libjs-leaflet`), served at `/leaflet/`.
    public var leafletFolder = "/usr/share/javascript/leaflet"

    /// The defaults.
    public init() {}

    /// ``bind`` split into host and port; nil when the server is off.
    public var hostAndPort: (host: String, port: Int)? {
        guard !bind.isEmpty, let (host, port) = Self.split(bind) else { return nil }
        return (host, port)
    }

    /// Whether ``bind`` can be reached only from this machine.
    public var isLoopback: Bool {
        guard let host = hostAndPort?.host else { return true }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.") && host.split(separator: ".").count == 4
    }

    /// `host:port` or `[v6]:port` → its parts; nil unless the port is 1–65535 and a host is named.
    static func split(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        return (host, port)
    }

    /// Reads `http:` of the root mapping.
    static func read(_ root: YAMLMapping) throws(ConfigError) -> HTTPSettings {
        var s = HTTPSettings()
        let http = try root["http"].mapping(allowed: ["bind", "allow_plaintext", "accounts", "session_h", "leaflet_dir", "tls_certificate", "tls_key"])
        if http.has("tls_certificate") != http.has("tls_key") {
            throw http[http.has("tls_key") ? "tls_key" : "tls_certificate"].error(
                "TLS needs both http.tls_certificate and http.tls_key (PEM files); expected both or neither")
        }
        if http.has("tls_certificate") {
            s.tlsCertificate = try http.string("tls_certificate", default: "")
            s.tlsKey = try http.string("tls_key", default: "")
        }
        s.leafletFolder = try http.string("leaflet_dir", default: s.leafletFolder)
        s.bind = try http.string("bind", default: s.bind)
        if !s.bind.isEmpty && split(s.bind) == nil {
            throw http["bind"].error("\"\(s.bind)\" is not host:port; expected for example 127.0.0.1:7680 (or \"\" for no HTTP server)")
        }
        s.allowPlaintext = try http.bool("allow_plaintext", default: false)
        s.sessionHours = try http.double("session_h", default: s.sessionHours, in: 0.01...720)
        if http.has("accounts") {
            var seen = Set<String>()
            for (i, item) in try http["accounts"].sequence().enumerated() {
                let entry = try item.mapping(allowed: ["name", "password_bcrypt"])
                let name = try entry.required("name").string()
                guard Identifier.isValid(name) else {
                    throw entry["name"].error("accounts[\(i)].name \"\(name)\" is not an identifier ([A-Za-z0-9_-]{1,64})")
                }
                guard seen.insert(name).inserted else { throw entry["name"].error("accounts[\(i)].name \"\(name)\" is listed twice") }
                let hash = try entry.required("password_bcrypt").string()
                guard hash.utf8.count == 60, ["$2a$", "$2b$", "$2y$"].contains(where: hash.hasPrefix) else {
                    throw entry["password_bcrypt"].error(
                        "accounts[\(i)].password_bcrypt is not a bcrypt hash ($2b$ and 60 characters); expected what `vigil passwd` prints")
                }
                s.accounts.append(Account(name: name, passwordBcrypt: hash))
            }
        }
        return s
    }
}
