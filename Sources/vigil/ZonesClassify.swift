import ArgumentParser
import Foundation

/// `vigil zones classify`: a batch mode for tests. Reads queries from stdin, one a line, and
/// writes one answer a line (one a border for segments), in order.
struct ZonesClassify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify points and segments read from stdin (a batch mode for tests).",
        discussion: """
            Input lines (blank lines and lines starting with # are skipped):
              P lat lon                → P <ids of the zones containing the point, highest priority first, or ->
                                         (mask zones are included, prefixed mask:, placed by priority)
              S lat1 lon1 lat2 lon2    → S <border id> <FROM->TO, e.g. SY->IQ, or none>, one line for each border
            A line that cannot be read gives `E <line number>: <reason>`, and the exit status is 1.
            """)

    @OptionGroup var zones: ZonesFileOption

    func run() throws {
        let set = try zones.load()
        let classifier = ZonesClassifier(set)
        var input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        input.append(0)  // strtod stops at the terminator
        var output = ZonesOutputBuffer()
        var failures = 0
        input.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            var start = 0
            var lineNumber = 0
            let end = buffer.count - 1
            while start < end {
                var stop = start
                while stop < end && base[stop] != UInt8(ascii: "\n") { stop += 1 }
                lineNumber += 1
                if let problem = classifier.answer(base, start, stop, into: &output) {
                    output.append("E \(lineNumber): \(problem)\n")
                    failures += 1
                }
                start = stop + 1
            }
        }
        output.flush()
        if failures > 0 { throw ExitCode(1) }
    }
}
