import ArgumentParser
import Foundation
import VigilConfig

/// `vigil zones check FILE`: every problem in a zones file, errors and warnings, and a summary.
struct ZonesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List every problem in a zones GeoJSON file.",
        discussion: """
            Each problem is one line: its severity, the feature (index and id), the key path in the \
            feature and what is wrong, e.g. \
            `error: features[3] (id qaim-flare): geometry.coordinates[0][17]: longitude 200.0 outside WGS84 bounds ...`. \
            Errors make vigild refuse the file; warnings (such as rings wound against RFC 7946) are accepted. \
            The last line is a summary. Exit status: 0 without errors, 1 with errors.
            """)

    @Argument(help: "The zones GeoJSON file.")
    var file: String

    func run() throws {
        let (problems, features) = ZonesFile.check(path: file)
        var out = ""
        for problem in problems { out += "\(problem.severity.rawValue): \(problem)\n" }
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }
        if problems.isEmpty {
            out += "\(file): OK, \(count(features, "zone")), no problems\n"
        } else {
            out += "\(file): \(count(errors, "error")), \(count(warnings, "warning")) in \(count(features, "feature"))\(errors == 0 ? " (the file loads)" : "")\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if errors > 0 { throw ExitCode(1) }
    }
}
