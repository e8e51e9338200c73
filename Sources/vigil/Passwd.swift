import ArgumentParser
import Foundation
import HummingbirdBcrypt
import VigilCore

/// `vigil passwd NAME`: an entry for `http.accounts` in vigild.yaml, with the password's bcrypt hash.
struct Passwd: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an http.accounts entry for vigild.yaml: the operator's name and their password's bcrypt hash.",
        discussion: """
            The password is read from standard input (one line; not echoed on a terminal). Paste the printed \
            line under http.accounts and send vigild SIGHUP or restart it.
            """)

    @Argument(help: "The operator's name ([A-Za-z0-9_-]{1,64}): every console action is journaled under it.")
    var name: String

    @Option(help: "bcrypt cost (10 to 15): each step doubles the time a check, and a guess, takes.")
    var cost: UInt8 = 12

    func validate() throws {
        guard Identifier.isValid(name) else { throw ValidationError("\(name) is not a name: expected [A-Za-z0-9_-]{1,64}") }
        guard (10...15).contains(cost) else { throw ValidationError("--cost must be from 10 to 15") }
    }

    func run() throws {
        let terminal = isatty(STDIN_FILENO) == 1
        let password: String
        if terminal {
            guard let typed = getpass("password for \(name): ") else { throw ValidationError("no password read") }
            password = String(cString: typed)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        guard password.count >= 8 else { throw ValidationError("the password must be at least 8 characters") }
        let hash = Bcrypt.hash(password, cost: cost)
        print("    - {name: \(name), password_bcrypt: \"\(hash)\"}")
    }
}
