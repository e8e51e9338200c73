import Testing
import VigilConfig

/// `http:` in vigild.yaml: the bind, the accounts, and what is refused with its key.
@Suite struct HTTPSettingsTests {
    static let hash = "$2b$12$YE7HO/2ZHdup4s6fELb.7uXzHGM0hPFefJn7Sg0r1lE80c5JrujPm"

    @Test func theDefaultsListenOnLoopbackOnly() throws {
        let settings = try DaemonSettings.parse("", file: "vigild.yaml").http
        #expect(settings.bind == "127.0.0.1:7680" && settings.isLoopback && settings.hostAndPort! == ("127.0.0.1", 7680))
        #expect(settings.accounts.isEmpty && !settings.allowPlaintext)
        let off = try DaemonSettings.parse("http:\n  bind: \"\"\n", file: "vigild.yaml").http
        #expect(off.hostAndPort == nil && off.isLoopback)
    }

    @Test func accountsAndBindsAreRead() throws {
        let text = "http:\n  bind: \"[::1]:8080\"\n  accounts:\n    - {name: alice, password_bcrypt: \"\(Self.hash)\"}\n"
        let settings = try DaemonSettings.parse(text, file: "vigild.yaml").http
        #expect(settings.hostAndPort! == ("::1", 8080) && settings.isLoopback)
        #expect(settings.accounts == [HTTPSettings.Account(name: "alice", passwordBcrypt: Self.hash)])
        let wide = try DaemonSettings.parse("http:\n  bind: \"0.0.0.0:7680\"\n", file: "vigild.yaml").http
        #expect(!wide.isLoopback)
    }

    @Test(arguments: [
        ("http:\n  bind: \"7680\"\n", "http.bind"),
        ("http:\n  bind: \"127.0.0.1:0\"\n", "http.bind"),
        ("http:\n  bind: \"127.0.0.1:99999\"\n", "http.bind"),
        ("http:\n  accounts:\n    - {name: \"a b\", password_bcrypt: \"\(hash)\"}\n", "http.accounts"),
        ("http:\n  accounts:\n    - {name: alice, password_bcrypt: \"hunter2\"}\n", "http.accounts"),
        ("http:\n  accounts:\n    - {name: alice, password_bcrypt: \"\(hash)\"}\n    - {name: alice, password_bcrypt: \"\(hash)\"}\n", "http.accounts"),
        ("http:\n  accounts:\n    - {name: alice}\n", "http.accounts"),
        ("http:\n  session_h: 0\n", "http.session_h"),
        ("http:\n  port: 80\n", "http"),
    ])
    func mistakesNameTheFileAndKey(text: String, key: String) {
        do {
            _ = try DaemonSettings.parse(text, file: "vigild.yaml")
            Issue.record("taken: \(text)")
        } catch {
            #expect(error.file == "vigild.yaml" && error.key.hasPrefix(key), "\(error)")
        }
    }
}
