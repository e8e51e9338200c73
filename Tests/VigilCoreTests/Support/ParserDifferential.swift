import Foundation
import VigilCore

/// Where the parser decides otherwise than its oracle on purpose (see `FrameReportParser`'s
/// "Decisions"). A disagreement is excluded from the differential comparison only when an
/// independent scan of the payload (`ParserLenientScan`) finds the feature in it, the side that
/// rejected is the one the decision makes stricter, and the rejection names the feature.
/// Excluded payloads are counted and printed, never dropped silently.
enum ParserDivergence: String, CaseIterable, Sendable {
    /// `[1,]` or `{"a":1,}`: JSONDecoder and JSONSerialization accept it; RFC 8259 and the parser do not.
    case trailingComma
    /// A contract key twice in one object: JSONDecoder keeps the first value; the parser refuses.
    case duplicateKey
    /// 65 to 512 levels of nesting: JSONDecoder allows 512; the parser stops at 64.
    case deepNesting
    /// A number in a decoded double field that is zero or underflows to zero, and that
    /// JSONDecoder refuses on its own (`1e-400`, but also zeros such as `0e1`, `0.000e5` or
    /// `-0.0e1`, while it takes `0.0e1`): the parser takes the correctly rounded value.
    case zeroOrUnderflow
    /// A number that overflows to infinity in an unknown field: JSONSerialization refuses it;
    /// the parser checks an ignored value's syntax only.
    case overflowInUnknownField
    /// An integer field in fraction or exponent notation beyond 15 significant digits, or one
    /// that underflows: JSONDecoder rounds it through Double; the parser uses exact decimal arithmetic.
    case integerNotation

    /// Whether the decision makes the parser the stricter side.
    var parserRejects: Bool {
        switch self {
        case .trailingComma, .duplicateKey, .deepNesting: true
        case .zeroOrUnderflow, .overflowInUnknownField: false
        case .integerNotation: false  // either side; see `explain`
        }
    }

    static let reportFields: Set<String> = ["v", "camera", "seq", "ts", "detections"]
    static let reportIntegers: Set<String> = ["v", "seq", "ts"]
    static let detectionFields: Set<String> = [
        "track", "class", "conf", "lat", "lon", "temp_c", "size_m", "speed_mps", "heading_deg",
    ]
    static let detectionDoubles: Set<String> = ["conf", "lat", "lon", "temp_c", "size_m", "speed_mps", "heading_deg"]

    /// The documented decision that explains a disagreement, if any.
    ///
    /// - Parameters:
    ///   - parserError: the parser's rejection, when the parser rejected and the oracle accepted.
    ///   - oracleReason: the oracle's rejection, when the oracle rejected and the parser accepted.
    static func explain(_ bytes: [UInt8], parserError: FrameReportError?, oracleReason: String?) -> ParserDivergence? {
        guard let scan = ParserLenientScan(bytes) else { return nil }
        let found = features(of: scan)
        if let parserError {
            guard parserError.reason == .badJSON || parserError.reason == .badValue || parserError.reason == .badVersion
            else { return nil }
            let detail = parserError.detail
            if found.contains(.trailingComma) && detail.contains("trailing comma") { return .trailingComma }
            if found.contains(.duplicateKey) && detail.contains("duplicate key") { return .duplicateKey }
            if found.contains(.deepNesting) && detail.contains("deeper than 64") { return .deepNesting }
            let refusedValue = parserError.reason == .badValue || parserError.reason == .badVersion
            if found.contains(.integerNotation) && refusedValue { return .integerNotation }
            return nil
        }
        guard let oracleReason else { return nil }
        if found.contains(.zeroOrUnderflow) && oracleReason.hasPrefix("JSONDecoder") { return .zeroOrUnderflow }
        if found.contains(.integerNotation) && oracleReason.hasPrefix("JSONDecoder") { return .integerNotation }
        if found.contains(.overflowInUnknownField) && oracleReason.hasPrefix("JSONSerialization") {
            return .overflowInUnknownField
        }
        return nil
    }

    /// The documented features present in a payload.
    static func features(of scan: ParserLenientScan) -> Set<ParserDivergence> {
        var found = Set<ParserDivergence>()
        if scan.hasTrailingComma { found.insert(.trailingComma) }
        if scan.maxDepth > 64 && scan.maxDepth <= 512 { found.insert(.deepNesting) }
        guard case .object(let members) = scan.root else {
            collectOverflows(scan.root, into: &found)
            return found
        }
        check(members, contract: reportFields, into: &found)
        for (key, value) in members {
            guard let key, reportFields.contains(key) else {
                collectOverflows(value, into: &found)
                continue
            }
            if reportIntegers.contains(key), case .number(let literal) = value {
                checkInteger(literal, into: &found)
            }
            guard key == "detections", case .array(let items) = value else { continue }
            for case .object(let fields) in items {
                check(fields, contract: detectionFields, into: &found)
                for (name, field) in fields {
                    guard let name, detectionFields.contains(name) else {
                        collectOverflows(field, into: &found)
                        continue
                    }
                    guard case .number(let literal) = field else { continue }
                    if name == "track" { checkInteger(literal, into: &found) }
                    if detectionDoubles.contains(name), Double(literal) == 0, jsonDecoderRefusesDouble(literal) {
                        found.insert(.zeroOrUnderflow)
                    }
                }
            }
        }
        return found
    }

    private static func check(
        _ members: [(key: String?, value: ParserLenientScan.Node)], contract: Set<String>,
        into found: inout Set<ParserDivergence>
    ) {
        var seen = Set<String>()
        for case let (key?, _) in members where contract.contains(key) && !seen.insert(key).inserted {
            found.insert(.duplicateKey)
        }
    }

    private static func checkInteger(_ literal: String, into found: inout Set<ParserDivergence>) {
        guard literal.contains(where: { ".eE".contains($0) }) else { return }
        let mantissa = literal.prefix { $0 != "e" && $0 != "E" }
        let significant = mantissa.filter(\.isNumber).drop { $0 == "0" }.reversed().drop { $0 == "0" }
        let value = Double(literal) ?? 0
        if significant.count > 15 || (value == 0 && !significant.isEmpty) || abs(value) >= 0x1p53 {
            found.insert(.integerNotation)
        }
    }

    /// Whether JSONDecoder refuses the literal as a `Double` on its own.
    private static func jsonDecoderRefusesDouble(_ literal: String) -> Bool {
        struct Box: Decodable { var d: Double }
        return (try? JSONDecoder().decode(Box.self, from: Data("{\"d\":\(literal)}".utf8))) == nil
    }

    private static func collectOverflows(_ node: ParserLenientScan.Node, into found: inout Set<ParserDivergence>) {
        switch node {
        case .number(let literal):
            if let value = Double(literal), value.isInfinite { found.insert(.overflowInUnknownField) }
        case .array(let items):
            for item in items { collectOverflows(item, into: &found) }
        case .object(let members):
            for member in members { collectOverflows(member.value, into: &found) }
        case .string, .literal:
            break
        }
    }
}

/// Runs the parser and its oracle on one payload and compares them.
enum ParserDifferential {
    enum Verdict {
        case bothAccepted(FrameReport)
        case bothRejected(FrameReportError)
        /// A documented divergence; `parsed` is the parser's report when the parser accepted.
        case excluded(ParserDivergence, parsed: FrameReport?)
        case mismatch(String)
    }

    static func compare(_ bytes: [UInt8]) -> Verdict {
        let parsed = Result { () throws(FrameReportError) in try FrameReportParser.parse(bytes) }
        let oracle = ParserOracle.decode(bytes)
        switch (parsed, oracle) {
        case (.success(let report), .accepted(let expected)):
            if report.isIdentical(to: expected) { return .bothAccepted(report) }
            return .mismatch("decoded values differ:\n  parser \(report)\n  oracle \(expected)\n  \(show(bytes))")
        case (.failure(let error), .rejected):
            return .bothRejected(error)
        case (.failure(let error), .accepted):
            if let divergence = ParserDivergence.explain(bytes, parserError: error, oracleReason: nil) {
                return .excluded(divergence, parsed: nil)
            }
            return .mismatch("parser rejects (\(error)), oracle accepts:\n  \(show(bytes))")
        case (.success(let report), .rejected(let reason)):
            if let divergence = ParserDivergence.explain(bytes, parserError: nil, oracleReason: reason) {
                return .excluded(divergence, parsed: report)
            }
            return .mismatch("parser accepts, oracle rejects (\(reason.prefix(300))):\n  \(show(bytes))")
        }
    }

    /// A payload for a failure message: as text when it is UTF-8, in bytes otherwise.
    static func show(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            let shown = text.count > 2_500 ? text.prefix(1_500) + " … " + text.suffix(1_000) : Substring(text)
            return shown.debugDescription
        }
        return bytes.count > 2_500 ? "\(bytes.prefix(1_500)) … \(bytes.suffix(1_000))" : bytes.description
    }
}
