/// The contract's identifier syntax: `[A-Za-z0-9_-]{1,64}` for camera, sector and zone ids.
public enum Identifier {
    /// The longest identifier the contract allows.
    public static let maxLength = 64

    /// Whether `byte` may appear in an identifier.
    @inline(__always)
    public static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Whether `bytes` is a valid identifier.
    public static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        let count = bytes.count
        return count >= 1 && count <= maxLength && bytes.allSatisfy(isAllowed)
    }

    /// Whether `string` is a valid identifier.
    public static func isValid(_ string: String) -> Bool {
        isValid(string.utf8)
    }
}
