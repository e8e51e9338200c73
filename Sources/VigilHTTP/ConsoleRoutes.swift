import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization
import VigilConfig
import VigilJournal
import VigilWire

/// The operations console's routes: the page and its scripts (embedded in vigild), Leaflet
/// (Debian's `libjs-leaflet`, from `leafletFolder`), signing in and out, the site's map data,
/// the open incidents and their live stream (a WebSocket), and the operators' actions.
///
/// Every `/api/` route but `login` and `me` needs a session. Actions are POSTs with a JSON body
/// (`Content-Type: application/json`, which a form on another site cannot send without the
/// browser asking first) and the session cookie is `SameSite=Strict`: no cross-site request
/// reaches them.
struct Console: Sendable {
    let sessions: Sessions
    let board: IncidentBoard
    /// Where the console reads and writes the journal (history, reviews), off the event loops.
    let journal = ConsoleJournal()
    let handle: DaemonHandle
    /// `/api/site`: the zones, cameras and places files as they are (read again by a reload).
    let site: SharedValue<String>
    let sessionSeconds: Int
    /// Whether the cookie is marked `Secure` (the server speaks HTTPS).
    let secureCookie: Bool
    let logger: Logger

    /// The site's map data from the configuration's files (each a GeoJSON FeatureCollection).
    static func site(zones: String, cameras: String, places: String?, exercise: Bool) -> String {
        func file(_ path: String?) -> String {
            guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty else {
                return #"{"type":"FeatureCollection","features":[]}"#
            }
            return text
        }
        return #"{"exercise":"# + (exercise ? "true" : "false") + #","zones":"# + file(zones) + #","cameras":"# + file(cameras)
            + #","places":"# + file(places) + "}"
    }

    func add(to router: Router<BasicWebSocketRequestContext>, leafletFolder: String) {
        router.add(middleware: FileMiddleware(leafletFolder, urlBasePath: "/leaflet", logger: logger))
        router.get("/") { _, _ in Self.resource(PackageResources.index_html, "text/html; charset=utf-8") }
        router.get("/console/console.js") { _, _ in Self.resource(PackageResources.console_js, "text/javascript; charset=utf-8") }
        router.get("/console/console.css") { _, _ in Self.resource(PackageResources.console_css, "text/css; charset=utf-8") }

        router.post("/api/login") { request, context -> Response in
            struct Login: Decodable {
                var user: String
                var password: String
            }
            guard let login = try? await request.decode(as: Login.self, context: context) else {
                return HTTPServer.json(.badRequest, #"{"error":"expected {\"user\": …, \"password\": …} as JSON"}"#)
            }
            switch await sessions.signIn(user: login.user, password: login.password, nowMs: Self.nowMs()) {
            case .success(let token):
                logger.notice("console sign-in", metadata: ["user": "\(login.user)"])
                var response = HTTPServer.json(.ok, #"{"user":"# + jsonString(login.user) + "}")
                response.headers[.setCookie] =
                    "\(Sessions.cookie)=\(token); HttpOnly; SameSite=Strict; Path=/; Max-Age=\(sessionSeconds)\(secureCookie ? "; Secure" : "")"
                return response
            case .failure(.throttled):
                logger.warning("console sign-in refused: too many wrong passwords", metadata: ["user": "\(login.user)"])
                return HTTPServer.json(.tooManyRequests, #"{"error":"too many wrong passwords for this account; wait a minute"}"#)
            case .failure(.wrong):
                logger.warning("console sign-in refused", metadata: ["user": "\(login.user)"])
                return HTTPServer.json(.unauthorized, #"{"error":"wrong user name or password"}"#)
            }
        }
        router.post("/api/logout") { request, _ -> Response in
            sessions.signOut(token: Sessions.token(cookieHeader: request.headers[.cookie]))
            var response = HTTPServer.json(.ok, "{}")
            response.headers[.setCookie] = "\(Sessions.cookie)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
            return response
        }
        router.get("/api/me") { request, _ -> Response in
            guard let user = user(request) else { return Self.signInFirst }
            return HTTPServer.json(.ok, #"{"user":"# + jsonString(user) + "}")
        }
        router.get("/api/site") { request, _ -> Response in
            guard user(request) != nil else { return Self.signInFirst }
            return HTTPServer.json(.ok, site.current)
        }
        router.get("/api/incidents") { request, _ -> Response in
            guard user(request) != nil else { return Self.signInFirst }
            return HTTPServer.json(.ok, board.incidentsJSON())
        }
        router.get("/api/history") { request, _ -> Response in
            guard user(request) != nil else { return Self.signInFirst }
            guard let path = handle.current?.journalPath else {
                return HTTPServer.json(.ok, #"{"incidents":[],"note":"vigild keeps no journal (state.dir is empty)"}"#)
            }
            let query = request.uri.queryParameters
            func text(_ key: Substring) -> String { query[key].map(String.init) ?? "" }
            func number(_ key: Substring) -> Int64? { Int64(text(key)) }
            let nowMs = Self.nowMs()
            let search = HistorySearch(
                fromMs: number("from") ?? nowMs - 86_400_000, toMs: number("to") ?? nowMs,
                kind: text("kind"), zone: text("zone"), camera: text("camera"))
            guard search.fromMs <= search.toMs else { return HTTPServer.json(.badRequest, #"{"error":"from is after to"}"#) }
            do {
                return HTTPServer.json(.ok, try await journal.run { _ in try search.run(journal: path) })
            } catch {
                return HTTPServer.json(.serviceUnavailable, #"{"error":"# + jsonString("cannot read the journal: \(error)") + "}")
            }
        }
        router.post("/api/incidents/:id/:action") { request, context -> Response in
            guard let user = user(request) else { return Self.signInFirst }
            guard let id = context.parameters.get("id"), let action = context.parameters.get("action").flatMap(ReviewMessage.Action.init(rawValue:))
            else {
                return HTTPServer.json(.notFound, #"{"error":"expected /api/incidents/<id>/acknowledge|assign|note|close"}"#)
            }
            guard board.isOpen(id) else { return HTTPServer.json(.notFound, #"{"error":"# + jsonString("no open incident \(id)") + "}") }
            struct Body: Decodable {
                var comment: String?
                var to: String?
                var text: String?
            }
            let body = (try? await request.decode(as: Body.self, context: context)) ?? Body()
            let text: String?
            switch action {
            case .acknowledge, .close: text = body.comment
            case .assign: text = body.to
            case .note: text = body.text
            }
            if action == .assign || action == .note, (text ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                return HTTPServer.json(.badRequest, #"{"error":"# + jsonString(action == .assign ? "expected {\"to\": name}" : "expected {\"text\": note}") + "}")
            }
            guard (text?.utf8.count ?? 0) <= 4_096 else { return HTTPServer.json(.contentTooLarge, #"{"error":"at most 4096 bytes of text"}"#) }
            let review = ReviewMessage(id: id, action: action, by: user, ts: Self.nowMs(), text: text)
            do {
                try await record(review)
            } catch {
                logger.error("review not journaled", metadata: ["incident": "\(id)", "error": "\(error)"])
                return HTTPServer.json(.serviceUnavailable, #"{"error":"# + jsonString("the journal did not take the action: \(error)") + "}")
            }
            return HTTPServer.json(.ok, review.json)
        }
        router.ws("/api/live", shouldUpgrade: { request, _ in
            user(request) == nil ? .dontUpgrade : .upgrade([:])
        }) { inbound, outbound, _ in
            let (messages, end) = board.follow()
            defer { end() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Reading until the console goes away; what it sends is not used.
                group.addTask { for try await _ in inbound {} }
                group.addTask { for await text in messages { try await outbound.write(.text(text)) } }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Journals the action (when the daemon keeps a journal), publishes it as `review.<id>`, and
    /// shows it on every console.
    private func record(_ review: ReviewMessage) async throws {
        let payload = Array(review.json.utf8)
        if let path = handle.current?.journalPath {
            try await journal.run { reviews in
                try reviews(path).append(.init(incident: review.id, ts: review.ts, payload: payload))
            }
        }
        handle.current?.publish(topic: review.topic, payload: payload)
        board.reviewed(review)
        logger.notice("review", metadata: ["incident": "\(review.id)", "action": "\(review.action.rawValue)", "by": "\(review.by)"])
    }

    private func user(_ request: Request) -> String? {
        sessions.user(token: Sessions.token(cookieHeader: request.headers[.cookie]), nowMs: Self.nowMs())
    }

    private static let signInFirst = HTTPServer.json(.unauthorized, #"{"error":"sign in first"}"#)

    private static func resource(_ bytes: [UInt8], _ type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }
}

/// The console's own use of the journal: history searches and the operators' reviews, one at a
/// time on a queue of their own (SQLite blocks; the server's event loops must not), with the
/// review log's connection opened on first use and kept.
///
/// `@unchecked Sendable`: `reviews` is touched only on `queue`.
final class ConsoleJournal: @unchecked Sendable {
    private let queue = DispatchQueue(label: "vigil.http.journal")
    private var reviews: (path: String, log: ReviewLog)?

    /// Runs `work` on the queue; it gets the review log of a journal path.
    func run<T: Sendable>(_ work: @escaping @Sendable (_ reviews: (String) throws -> ReviewLog) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
            queue.async { [self] in
                do { done.resume(returning: try work(reviewLog)) } catch { done.resume(throwing: error) }
            }
        }
    }

    private func reviewLog(path: String) throws -> ReviewLog {
        dispatchPrecondition(condition: .onQueue(queue))
        if let reviews, reviews.path == path { return reviews.log }
        let log = try ReviewLog(path: path)
        reviews = (path, log)
        return log
    }
}
