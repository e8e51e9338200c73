import ArgumentParser
import Foundation

/// `vigil reload`: has the running vigild read its configuration again, as SIGHUP does, and
/// prints what it did or why it refused.
struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Have vigild read its configuration again (cameras, zones, rules, keys, console accounts) without a restart.",
        discussion: """
            The files are checked whole first: a mistake is refused (exit 65, naming the file and key) and the \
            running configuration stays. Open incidents are carried over, none raised again. Changes that take \
            a restart (cameras or border lines added, removed or reordered; zones or rules removed or \
            reordered) are refused with why.
            """)

    @OptionGroup var endpoint: ControlEndpoint

    func run() throws {
        let reply = try Failure.exiting { try endpoint.request("reload") }
        for note in reply["notes"] as? [String] ?? [] { print(note) }
    }
}
