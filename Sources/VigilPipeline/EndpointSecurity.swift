import VigilConfig
import ZeroMQ

/// How the daemon's sockets are secured, from `security:`: CURVE with vigild's secret key and a
/// ZAP domain per endpoint, or plaintext; and on every socket, how long a connection has to
/// complete its handshake.
struct EndpointSecurity: Sendable {
    /// vigild's secret key; nil: plaintext.
    let secretKey: CurveKey?
    /// `security.handshake_ms`.
    let handshakeMs: Int32
    /// Whether each endpoint reports its connections to the daemon's ``ConnectionGuard``.
    var monitored = false

    /// Plaintext, libzmq's handshake limit lowered to 5 s.
    static let plaintext = EndpointSecurity(secretKey: nil, handshakeMs: 5_000)

    init(secretKey: CurveKey?, handshakeMs: Int32) {
        self.secretKey = secretKey
        self.handshakeMs = handshakeMs
    }

    /// The security `settings` describe; throws when vigild's certificate holds no usable key.
    init(_ settings: SecuritySettings) throws(DaemonError) {
        handshakeMs = Int32(clamping: settings.handshakeMs)
        guard let certificate = settings.serverCertificate else {
            secretKey = nil
            return
        }
        guard let text = certificate.secretKey, let key = CurveKey(z85: text, secret: true) else {
            throw DaemonError(.state, "\(settings.serverCertificatePath ?? "security.server_certificate"): no usable CURVE secret key")
        }
        secretKey = key
    }

    /// The ZAP handler's lists: per domain, the public keys let in and their names. Consumers
    /// may read alerts and catch up; operators may also do both, and control; a standby copying
    /// the journal (`vigil follow`) speaks with an operator's key.
    static func lists(_ settings: SecuritySettings) -> ZapHandler.Lists {
        func keys(_ peers: [SecuritySettings.Peer]) -> [CurveKey: String] {
            var map: [CurveKey: String] = [:]
            for peer in peers { if let key = CurveKey(z85: peer.publicKey) { map[key] = peer.name } }
            return map
        }
        let readers = keys(settings.consumers).merging(keys(settings.operators)) { consumer, _ in consumer }
        return [.ingest: keys(settings.gateways), .alerts: readers, .catchup: readers, .control: keys(settings.operators), .replication: keys(settings.operators)]
    }

    /// Each gateway (its camera rights and rate), by its key's name.
    static func rights(_ settings: SecuritySettings) -> [String: SecuritySettings.Peer] {
        Dictionary(settings.gateways.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adds this security to `plan` for the endpoint of `domain`.
    func apply(to plan: inout SocketPlan, domain: ZapHandler.Domain) {
        plan.handshakeIntervalMs = handshakeMs
        if monitored { plan.monitor = ConnectionGuard.monitorEndpoint(domain) }
        guard let secretKey else { return }
        plan.security = .curveServer(secretKey: secretKey)
        plan.zapDomain = domain.rawValue
    }
}
