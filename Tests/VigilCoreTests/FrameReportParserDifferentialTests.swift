import Foundation
import Testing
import VigilCore

/// The frame report parser against Foundation's `JSONDecoder` (see `ParserOracle`) on random
/// payloads from a seeded generator: the parser must accept exactly when the oracle accepts,
/// and decode the same values, doubles bit for bit.
///
/// Disagreements that follow from the parser's documented decisions (`ParserDivergence`) are
/// excluded only when an independent scan finds the feature in the payload; they are counted
/// and printed with the other counts.
@Suite struct FrameReportParserDifferentialTests {
    /// Valid and mutated payloads are each tested in two halves, run in parallel.
    static let payloadsPerHalf = 10_000

    @Test(arguments: [UInt64(0x5EED_0001), 0x5EED_0002])
    func agreesWithJSONDecoderOnValidReports(seed: UInt64) {
        var generator = ParserPayloadGenerator(seed: seed)
        var agreed = 0
        var exclusions: [ParserDivergence: Int] = [:]
        var detections = 0
        var bytes = 0
        var failures = 0
        for _ in 0..<Self.payloadsPerHalf {
            let (payload, expected) = generator.validPayload()
            switch ParserDifferential.compare(payload) {
            case .bothAccepted(let report):
                // The generator knows the values too: a third opinion, for errors both might share.
                if report.isIdentical(to: expected) {
                    agreed += 1
                } else {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("decoded \(report), generated \(expected): \(ParserDifferential.show(payload))")
                    }
                }
            case .bothRejected(let error):
                failures += 1
                if failures <= 5 {
                    Issue.record("valid payload rejected by both (\(error)): \(ParserDifferential.show(payload))")
                }
            case .excluded(let divergence, let parsed):
                // Only a divergence where the parser accepts can occur in a valid payload; the
                // generator's values then stand in for the oracle's.
                if let parsed, parsed.isIdentical(to: expected) {
                    exclusions[divergence, default: 0] += 1
                } else {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("valid payload hit \(divergence): \(ParserDifferential.show(payload))")
                    }
                }
            case .mismatch(let message):
                failures += 1
                if failures <= 5 { Issue.record(Comment(rawValue: message)) }
            }
            detections += expected.detections.count
            bytes += payload.count
        }
        let excluded = exclusions.values.reduce(0, +)
        print(
            "FrameReportParser differential, valid (seed \(String(seed, radix: 16))): \(Self.payloadsPerHalf) payloads "
                + "(\(detections) detections, \(bytes) bytes): \(agreed) accepted by parser and oracle with identical "
                + "values, \(excluded) refused by the oracle as documented ("
                + exclusions.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", ")
                + ") and decoded by the parser to the generated values, \(failures) failures")
        #expect(failures == 0)
        #expect(agreed + excluded == Self.payloadsPerHalf)
        #expect(excluded <= Self.payloadsPerHalf / 20)
    }

    @Test(arguments: [UInt64(0xBAD0_0001), 0xBAD0_0002])
    func agreesWithJSONDecoderOnMutatedReports(seed: UInt64) {
        var generator = ParserPayloadGenerator(seed: seed)
        var outcomes: [ParserPayloadGenerator.Mutation: (accepted: Int, rejected: Int, excluded: Int)] = [:]
        var exclusions: [ParserDivergence: Int] = [:]
        var reasons: [RejectReason: Int] = [:]
        var failures = 0
        for _ in 0..<Self.payloadsPerHalf {
            let (payload, mutation) = generator.mutatedPayload()
            var outcome = outcomes[mutation] ?? (0, 0, 0)
            switch ParserDifferential.compare(payload) {
            case .bothAccepted:
                outcome.accepted += 1
            case .bothRejected(let error):
                outcome.rejected += 1
                reasons[error.reason, default: 0] += 1
            case .excluded(let divergence, _):
                outcome.excluded += 1
                exclusions[divergence, default: 0] += 1
            case .mismatch(let message):
                failures += 1
                if failures <= 5 { Issue.record(Comment(rawValue: "\(mutation): \(message)")) }
            }
            outcomes[mutation] = outcome
        }
        let accepted = outcomes.values.map(\.accepted).reduce(0, +)
        let rejected = outcomes.values.map(\.rejected).reduce(0, +)
        let excluded = outcomes.values.map(\.excluded).reduce(0, +)
        var lines = [
            "FrameReportParser differential, mutated (seed \(String(seed, radix: 16))): "
                + "\(Self.payloadsPerHalf) payloads: "
                + "\(rejected) rejected by both, \(accepted) accepted by both with identical values, "
                + "\(excluded) excluded as documented divergences, \(failures) disagreements"
        ]
        for mutation in ParserPayloadGenerator.Mutation.allCases {
            let outcome = outcomes[mutation] ?? (0, 0, 0)
            lines.append(
                "  \(mutation.rawValue): \(outcome.rejected) rejected, \(outcome.accepted) accepted, "
                    + "\(outcome.excluded) excluded")
        }
        lines.append("  parser reasons: " + reasons.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        lines.append("  excluded: " + ParserDivergence.allCases.map { "\($0.rawValue) \(exclusions[$0] ?? 0)" }
            .joined(separator: ", "))
        print(lines.joined(separator: "\n"))
        #expect(failures == 0)
        #expect(accepted + rejected + excluded == Self.payloadsPerHalf)
        // Most mutations must break the report; the byte mutations sometimes do not.
        #expect(rejected >= Self.payloadsPerHalf * 3 / 4)
    }
}
