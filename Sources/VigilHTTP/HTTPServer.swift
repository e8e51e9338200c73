import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import Synchronization
import VigilConfig
import VigilPipeline
import VigilWire

/// The daemon as the HTTP server sees it: absent while vigild resumes its journaled state,
/// then the running daemon.
public final class DaemonHandle: Sendable {
    private let daemon = Mutex<Daemon?>(nil)

    /// No daemon yet.
    public init() {}

    /// The daemon, once it runs.
    public var current: Daemon? { daemon.withLock { $0 } }

    /// Sets the daemon, once its state is resumed.
    public func set(_ daemon: Daemon) { self.daemon.withLock { $0 = daemon } }

    private let standby = Mutex<(@Sendable () -> StatsMessage.Cluster)?>(nil)

    /// A cluster's standby runs no daemon: what `/metrics` says of it meanwhile.
    public var standbyStatus: (@Sendable () -> StatsMessage.Cluster)? {
        get { standby.withLock { $0 } }
        set { standby.withLock { $0 = newValue } }
    }
}

/// vigild's HTTP server (Hummingbird 2): `/healthz`, `/readyz`, `/metrics`.
///
/// It starts before the daemon resumes its journaled state, so that `/readyz` says "resuming"
/// rather than refusing connections; it is a swift-service-lifecycle `Service` beside the daemon.
public struct HTTPServer: Sendable {
    /// The Hummingbird application: run it (it is a `Service`).
    public let application: any Service
    /// Where it listens.
    public let address: String
    private let sessions: Sessions
    private let site: SharedValue<String>

    /// Makes the server for `settings.http` (which must be enabled), reading the daemon from
    /// `handle`; `configurationFile` is what `/readyz` says was loaded. Throws, naming the file
    /// and what is wrong with it, when the TLS certificate or key cannot be used.
    public init(
        settings: HTTPSettings, configurationFile: String, handle: DaemonHandle, metrics: MetricsExporter, board: IncidentBoard, site: ConsoleSite,
        logger: Logger
    ) throws(HTTPSetupError) {
        let (host, port) = settings.hostAndPort ?? ("127.0.0.1", 7680)
        address = "\(host):\(port)"
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/healthz") { _, _ -> Response in
            Self.json(.ok, #"{"status":"alive"}"#)
        }
        router.get("/readyz") { _, _ -> Response in
            let (ready, body) = Self.readiness(handle: handle, configurationFile: configurationFile)
            return Self.json(ready ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ -> Response in
            guard let daemon = handle.current else {
                if let status = handle.standbyStatus {
                    return Response(
                        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.render(cluster: status()))))
                }
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "vigild is resuming its journaled state\n")))
            }
            let text = metrics.render(daemon.stats(), up: true)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        sessions = Sessions(settings: settings)
        self.site = SharedValue(Console.site(zones: site.zones, cameras: site.cameras, places: site.places, exercise: site.exercise))
        Console(
            sessions: sessions, board: board, handle: handle, site: self.site, sessionSeconds: Int(settings.sessionHours * 3_600),
            secureCookie: settings.isTLS, logger: logger
        ).add(to: router, leafletFolder: settings.leafletFolder)
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: "vigild")
        var httpLogger = logger
        httpLogger[metadataKey: "component"] = "http"
        var server = HTTPServerBuilder.http1WebSocketUpgrade(webSocketRouter: router)
        if let certificatePath = settings.tlsCertificate, let keyPath = settings.tlsKey {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
                throw HTTPSetupError(key: "http.tls_certificate", "\(certificatePath) is not a PEM certificate chain: \(error)")
            }
            do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
                throw HTTPSetupError(key: "http.tls_key", "\(keyPath) is not a PEM private key: \(error)")
            }
            guard !chain.isEmpty else { throw HTTPSetupError(key: "http.tls_certificate", "\(certificatePath) holds no certificate") }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            do { server = try .tls(server, tlsConfiguration: tls) } catch {
                throw HTTPSetupError(key: "http.tls_certificate", "the certificate and key cannot serve TLS: \(error)")
            }
        }
        application = Application(router: router, server: server, configuration: configuration, logger: httpLogger)
    }

    /// Puts a reloaded configuration's accounts and map in force (the bind, TLS and session
    /// length take effect at the next start).
    public func reload(settings: HTTPSettings, site: ConsoleSite) {
        sessions.replaceAccounts(settings.accounts)
        let text = Console.site(zones: site.zones, cameras: site.cameras, places: site.places, exercise: site.exercise)
        self.site.set(text)
    }

    /// Why the server could not listen on `host:port` (tried with a socket of its own, closed at
    /// once: the address in use, a host that is not this machine's), or nil.
    public static func checkBind(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let info = found else { return "cannot resolve \(host): \(String(cString: gai_strerror(status)))" }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 1) == 0 else {
            return "\(String(cString: strerror(errno))) (another process listens there?)"
        }
        return nil
    }

    /// `/readyz`: ready when the daemon runs and every check passes; the checks and the reasons.
    static func readiness(handle: DaemonHandle, configurationFile: String) -> (Bool, String) {
        var checks = [ReadinessCheck(name: "configuration", ok: true, detail: "loaded from \(configurationFile)")]
        if let daemon = handle.current {
            checks += daemon.readiness()
        } else {
            checks.append(ReadinessCheck(name: "state", ok: false, detail: "resuming the journaled state"))
        }
        let ready = checks.allSatisfy(\.ok)
        let items = checks.map { #"""# + $0.name + #"":{"ok":"# + ($0.ok ? "true" : "false") + #","detail":"# + jsonString($0.detail) + "}" }
        return (ready, #"{"ready":"# + (ready ? "true" : "false") + #","checks":{"# + items.joined(separator: ",") + "}}")
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}

/// Why the HTTP server cannot be made: a key of `http:` and what is wrong with it.
public struct HTTPSetupError: Error, CustomStringConvertible {
    /// The key, e.g. `http.tls_key`.
    public var key: String
    /// What is wrong.
    public var message: String

    init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}

/// The files the console's map is drawn from.
public struct ConsoleSite: Sendable {
    /// The zones and cameras files (GeoJSON) and the places file, if there is one.
    public var zones: String, cameras: String, places: String?
    /// Whether every alert is an exercise (`site.exercise`).
    public var exercise: Bool

    /// The files of a configuration.
    public init(zones: String, cameras: String, places: String?, exercise: Bool) {
        self.zones = zones
        self.cameras = cameras
        self.places = places
        self.exercise = exercise
    }
}

/// `text` as a JSON string literal, quotes included (VigilWire's escaper).
func jsonString(_ text: String) -> String {
    var out: [UInt8] = []
    JSONString.append(text, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// A value shared between the server's handlers and whoever replaces it (a reload).
final class SharedValue<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    /// The value now.
    var current: Value { value.withLock { $0 } }

    /// Replaces the value.
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
}
