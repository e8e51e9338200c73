import Foundation
import VigilCore

/// Who may use vigild's endpoints (`security:` in `vigild.yaml`): vigild's own CURVE certificate,
/// and per endpoint the public keys let in, each with a name that logs, `vigil stats` and the
/// journal show. Without a certificate, every endpoint is plaintext (RFC 23 NULL security), and
/// only loopback endpoints may be bound unless the endpoint's `allow_plaintext` says otherwise
/// (``VigilConfiguration/checkEndpointSecurity()``).
public struct SecuritySettings: Sendable, Equatable {
    /// A key let in, and its name.
    public struct Peer: Sendable, Equatable {
        /// Its name (an identifier), in logs, counters and the journal.
        public var name: String
        /// Its public key, Z85.
        public var publicKey: String
        /// Gateways only: what it may report for.
        public var rights: CameraRights
        /// Gateways only: frame reports a second, on average over 2 s, before `rate_limited`; 0 for
        /// no limit. Default 20,000.
        public var maxRate: Double

        /// A peer.
        public init(name: String, publicKey: String, rights: CameraRights = CameraRights(), maxRate: Double = 20_000) {
            self.maxRate = maxRate
            self.name = name
            self.publicKey = publicKey
            self.rights = rights
        }
    }

    /// The cameras a gateway may report for: camera ids, id prefixes (written `cam-rabia-*`), and
    /// whole sectors.
    public struct CameraRights: Sendable, Equatable {
        /// Camera ids allowed exactly.
        public var cameras: Set<String> = []
        /// Camera id prefixes allowed.
        public var prefixes: [String] = []
        /// Sectors allowed whole.
        public var sectors: Set<String> = []

        /// Nothing allowed.
        public init(cameras: Set<String> = [], prefixes: [String] = [], sectors: Set<String> = []) {
            self.cameras = cameras
            self.prefixes = prefixes
            self.sectors = sectors
        }

        /// Whether a report for `camera`, of `sector`, is allowed.
        public func allows(camera: String, sector: String) -> Bool {
            cameras.contains(camera) || sectors.contains(sector) || prefixes.contains { camera.hasPrefix($0) }
        }
    }

    /// vigild's own certificate (its secret file), which makes every endpoint a CURVE server;
    /// nil: plaintext.
    public var serverCertificate: Certificate?
    /// Where it was read from.
    public var serverCertificatePath: String?
    /// Keys that may publish detections, with the cameras each may report for.
    public var gateways: [Peer] = []
    /// Keys that may subscribe to alerts and page through the journal.
    public var consumers: [Peer] = []
    /// Keys that may use the control endpoint (stats, silences).
    public var operators: [Peer] = []
    /// A connection must complete its handshake within this, or libzmq drops it. Default 5 s.
    public var handshakeMs: Int = 5_000
    /// Connections each endpoint holds at most (`security.max_connections`, default 1,000): past
    /// it, vigild closes the oldest connection that has not sent its ZMTP greeting, or else the
    /// new one. Lowered at start to what the open-files limit leaves for four endpoints.
    public var maxConnections: Int = 1_000
    /// Per endpoint, plaintext allowed on a non-loopback address: `ingest`, `publish`, `catchup`,
    /// `control` (`<endpoint>.allow_plaintext`).
    public var allowPlaintext: Set<String> = []

    /// No certificate: plaintext, loopback only.
    public init() {}

    /// Whether the endpoints speak CURVE.
    public var isCurve: Bool { serverCertificate != nil }
}

extension SecuritySettings {
    static let keys: Set<String> = ["server_certificate", "gateways", "consumers", "operators", "handshake_ms", "max_connections"]

    /// Reads `security:` of `root`, certificate paths relative to `folder`.
    static func read(_ root: YAMLMapping, folder: URL) throws(ConfigError) -> SecuritySettings {
        var s = SecuritySettings()
        for endpoint in ["ingest", "publish", "catchup", "control"] where root.has(endpoint) {
            let section = try root[endpoint].mapping(allowed: nil)
            if try section.bool("allow_plaintext", default: false) { s.allowPlaintext.insert(endpoint) }
        }
        let security = try root["security"].mapping(allowed: keys)
        func resolve(_ name: String) -> String { name.hasPrefix("/") ? name : folder.appendingPathComponent(name).path }
        if security.has("server_certificate") {
            let path = resolve(try security.string("server_certificate", default: ""))
            s.serverCertificate = try Certificate.read(path: path, secret: true)
            s.serverCertificatePath = path
        }
        s.handshakeMs = try security.int("handshake_ms", default: s.handshakeMs, in: 100...600_000)
        s.maxConnections = try security.int("max_connections", default: s.maxConnections, in: 16...1_000_000)
        var names: Set<String> = []
        func peers(_ key: String, gateways: Bool) throws(ConfigError) -> [Peer] {
            var list: [Peer] = []
            for item in try security[key].sequence() {
                let allowed: Set<String> = gateways ? ["name", "key", "public_key", "cameras", "sectors", "max_rate"] : ["name", "key", "public_key"]
                let map = try item.mapping(allowed: allowed)
                let name = try map.required("name").string()
                guard Identifier.isValid(name) else { throw map["name"].error("\"\(name)\" is not an identifier ([A-Za-z0-9_-]{1,64})") }
                guard names.insert("\(key)/\(name)").inserted else { throw map["name"].error("\"\(name)\" is named twice in \(key)") }
                let publicKey: String
                switch (map.has("key"), map.has("public_key")) {
                case (true, false): publicKey = try Certificate.read(path: resolve(try map.string("key", default: ""))).publicKey
                case (false, true):
                    publicKey = try map.string("public_key", default: "")
                    guard Certificate.isZ85Key(publicKey) else { throw map["public_key"].error("expected 40 characters of Z85") }
                default: throw item.error("expected one of key (a public certificate file) or public_key (Z85)")
                }
                var rights = CameraRights()
                if gateways {
                    for (i, camera) in try map.strings("cameras", default: []).enumerated() {
                        let id = camera.hasSuffix("*") ? String(camera.dropLast()) : camera
                        guard Identifier.isValid(id) else {
                            throw ConfigError(file: map.file, key: "\(map.path).cameras[\(i)]", "\"\(camera)\" is not a camera id or an id prefix ending in *")
                        }
                        if camera.hasSuffix("*") { rights.prefixes.append(id) } else { rights.cameras.insert(id) }
                    }
                    for (i, sector) in try map.strings("sectors", default: []).enumerated() {
                        guard Identifier.isValid(sector) else {
                            throw ConfigError(file: map.file, key: "\(map.path).sectors[\(i)]", "\"\(sector)\" is not a sector id")
                        }
                        rights.sectors.insert(sector)
                    }
                    if rights == CameraRights() {
                        throw item.error("a gateway needs cameras (ids, or prefixes ending in *) or sectors it may report for")
                    }
                }
                let maxRate = gateways ? try map.double("max_rate", default: 20_000, in: 0...10_000_000) : 0
                list.append(Peer(name: name, publicKey: publicKey, rights: rights, maxRate: maxRate))
            }
            return list
        }
        s.gateways = try peers("gateways", gateways: true)
        s.consumers = try peers("consumers", gateways: false)
        s.operators = try peers("operators", gateways: false)
        if s.serverCertificate == nil && !(s.gateways.isEmpty && s.consumers.isEmpty && s.operators.isEmpty) {
            throw ConfigError(
                file: security.file, key: "security.server_certificate",
                "missing: keys are listed but vigild has no certificate of its own, so its endpoints would be plaintext; expected vigild's secret certificate (vigil keys new vigild)")
        }
        return s
    }
}

/// Whether `endpoint` can only be reached from this machine: `inproc://`, `ipc://`, or TCP on
/// 127.0.0.0/8, `localhost` or `[::1]`.
public func isLoopbackEndpoint(_ endpoint: String) -> Bool {
    if endpoint.hasPrefix("inproc://") || endpoint.hasPrefix("ipc://") { return true }
    guard endpoint.hasPrefix("tcp://") else { return false }
    var host = endpoint.dropFirst("tcp://".count)
    // A source address first (tcp://src;dest) binds nothing: the destination is what counts.
    if let semicolon = host.firstIndex(of: ";") { host = host[host.index(after: semicolon)...] }
    if host.hasPrefix("[::1]:") { return true }
    guard let colon = host.lastIndex(of: ":") else { return false }
    let name = host[..<colon]
    return name == "localhost" || name.hasPrefix("127.") && name.split(separator: ".").count == 4
}
