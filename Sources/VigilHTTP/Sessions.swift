import Foundation
import HummingbirdBcrypt
import Synchronization
import VigilConfig

/// Who is signed in to the console: the accounts of `http.accounts` (bcrypt hashes, checked by
/// HummingbirdBcrypt), and a session token per sign-in, kept in memory (a restart of vigild
/// signs everyone out), sent as the `vigil_session` cookie.
///
/// Guessing is slowed: after 5 wrong passwords for one account within a minute, that account's
/// sign-ins are refused for the rest of the minute (and logged).
public final class Sessions: Sendable {
    /// The cookie that carries a session's token.
    static let cookie = "vigil_session"

    private struct State {
        var sessions: [String: (user: String, expiresMs: Int64)] = [:]
        var failures: [String: (count: Int, sinceMs: Int64)] = [:]
    }

    private let accounts: Mutex<[String: String]>
    private let lifetimeMs: Int64
    private let state = Mutex(State())
    /// bcrypt takes ~0.2 s a check at cost 12: off the server's event loops.
    private let checking = DispatchQueue(label: "vigil.http.bcrypt", attributes: .concurrent)

    /// Sessions for `settings.accounts`, each lasting `settings.sessionHours`.
    public init(settings: HTTPSettings) {
        accounts = Mutex(Self.table(settings.accounts))
        lifetimeMs = Int64(settings.sessionHours * 3_600_000)
    }

    /// Puts `accounts` in force (a reload): a removed account's sessions end at once.
    func replaceAccounts(_ accounts: [HTTPSettings.Account]) {
        let table = Self.table(accounts)
        self.accounts.withLock { $0 = table }
        state.withLock { state in state.sessions = state.sessions.filter { table[$0.value.user] != nil } }
    }

    private static func table(_ accounts: [HTTPSettings.Account]) -> [String: String] {
        Dictionary(accounts.map { ($0.name, $0.passwordBcrypt) }, uniquingKeysWith: { first, _ in first })
    }

    /// Why a sign-in was refused.
    enum Refusal: Error {
        case wrong, throttled
    }

    /// Checks `password` for `user`; returns a new session token, or why not.
    func signIn(user: String, password: String, nowMs: Int64) async -> Result<String, Refusal> {
        let throttled = state.withLock { state -> Bool in
            guard let failures = state.failures[user], nowMs - failures.sinceMs < 60_000 else { return false }
            return failures.count >= 5
        }
        if throttled { return .failure(.throttled) }
        let hash = accounts.withLock { $0[user] }
        let ok: Bool = await withCheckedContinuation { done in
            checking.async {
                // An unknown name costs the same check as a known one (against a hash of nothing
                // anyone knows), so timing does not tell which names exist.
                let verified = Bcrypt.verify(password, hash: hash ?? Self.decoy)
                done.resume(returning: verified && hash != nil)
            }
        }
        return state.withLock { state in
            guard ok else {
                var failures = state.failures[user] ?? (0, nowMs)
                if nowMs - failures.sinceMs >= 60_000 { failures = (0, nowMs) }
                failures.count += 1
                state.failures[user] = failures
                return .failure(.wrong)
            }
            state.failures[user] = nil
            state.sessions = state.sessions.filter { $0.value.expiresMs > nowMs }
            let token = Self.token()
            state.sessions[token] = (user, nowMs + lifetimeMs)
            return .success(token)
        }
    }

    /// The user of the session `token`, if it is current.
    func user(token: String?, nowMs: Int64) -> String? {
        guard let token else { return nil }
        return state.withLock { state in
            guard let session = state.sessions[token], session.expiresMs > nowMs, accounts.withLock({ $0[session.user] != nil }) else { return nil }
            return session.user
        }
    }

    /// Ends the session `token`.
    func signOut(token: String?) {
        guard let token else { return }
        _ = state.withLock { $0.sessions.removeValue(forKey: token) }
    }

    /// The session token in a `Cookie` header, if any.
    static func token(cookieHeader: String?) -> String? {
        guard let cookieHeader else { return nil }
        for part in cookieHeader.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(cookie + "=") { return String(pair.dropFirst(cookie.count + 1)) }
        }
        return nil
    }

    /// 32 random bytes, hex.
    private static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// A bcrypt hash of a random password nobody knows (cost 12, like the accounts').
    private static let decoy = Bcrypt.hash(token(), cost: 12)
}
