import Foundation

/// A small, lenient JSON reader used only to explain disagreements between the parser and its
/// oracle: it accepts trailing commas and keeps number literals as text, so that the features of
/// a payload (a trailing comma, a repeated key, the nesting depth, a number that overflows) can be
/// found independently of the parser under test. Simple on purpose; speed does not matter.
struct ParserLenientScan {
    indirect enum Node {
        case object([(key: String?, value: Node)])
        case array([Node])
        case string
        case number(String)
        case literal
    }

    private let bytes: [UInt8]
    private var offset = 0
    /// Whether a `,` directly precedes a `]` or `}` somewhere.
    private(set) var hasTrailingComma = false
    /// The deepest nesting of objects and arrays.
    private(set) var maxDepth = 0
    /// The whole payload, read.
    private(set) var root = Node.literal

    /// Reads `bytes`, or returns nil if they are not JSON even with trailing commas allowed.
    init?(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        guard let root = value(depth: 1) else { return nil }
        skipWhitespace()
        guard offset == bytes.count else { return nil }
        self.root = root
    }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private static let numberBytes = Set("-+.eE0123456789".utf8)

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1 }
    }

    private mutating func value(depth: Int) -> Node? {
        skipWhitespace()
        guard let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "{"):
            maxDepth = max(maxDepth, depth)
            offset += 1
            var members: [(key: String?, value: Node)] = []
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    if !members.isEmpty { hasTrailingComma = true }
                    offset += 1
                    return .object(members)
                }
                guard current == UInt8(ascii: "\""), let key = string() else { return nil }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { return nil }
                offset += 1
                guard let item = value(depth: depth + 1) else { return nil }
                members.append((key, item))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    offset += 1
                } else if current == UInt8(ascii: "}") {
                    offset += 1
                    return .object(members)
                } else {
                    return nil
                }
            }
        case UInt8(ascii: "["):
            maxDepth = max(maxDepth, depth)
            offset += 1
            var items: [Node] = []
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "]") {
                    if !items.isEmpty { hasTrailingComma = true }
                    offset += 1
                    return .array(items)
                }
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    offset += 1
                } else if current == UInt8(ascii: "]") {
                    offset += 1
                    return .array(items)
                } else {
                    return nil
                }
            }
        case UInt8(ascii: "\""):
            return string() != nil ? .string : nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for literal in ["true", "false", "null"] where bytes[offset...].starts(with: literal.utf8) {
                offset += literal.utf8.count
                return .literal
            }
            return nil
        default:
            let start = offset
            while let byte = current, Self.numberBytes.contains(byte) { offset += 1 }
            return offset > start ? .number(String(decoding: bytes[start..<offset], as: UTF8.self)) : nil
        }
    }

    /// Reads a string at the current `"`; returns it decoded (by `JSONDecoder`), or "" if it
    /// does not decode, or nil if it is not terminated.
    private mutating func string() -> String? {
        let start = offset
        offset += 1
        var escaped = false
        while let byte = current {
            offset += 1
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                let text = try? JSONDecoder().decode(String.self, from: Data(bytes[start..<offset]))
                return text ?? ""
            }
        }
        return nil
    }
}
