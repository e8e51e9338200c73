/// The fuzzer's bytes, read front to back. Past their end, reads go on with a fixed
/// pseudo-random stream (seeded by the input's length), so an operation cut short by the end of
/// the input is still complete and every byte string is a valid input.
struct FuzzBytes {
    private let base: UnsafeRawBufferPointer
    private var offset = 0
    private var random: UInt64

    init(_ base: UnsafeRawBufferPointer) {
        self.base = base
        random = 0x5EED_F00D_0000_0000 ^ UInt64(base.count)
    }

    /// Whether the fuzzer's own bytes are used up (the operations stop there).
    var isAtEnd: Bool { offset >= base.count }

    /// The next byte.
    mutating func byte() -> UInt8 {
        if offset < base.count {
            defer { offset += 1 }
            return base[offset]
        }
        // SplitMix64.
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }

    /// The next two bytes, little-endian.
    mutating func u16() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }

    /// The next four bytes, little-endian.
    mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }

    /// The next eight bytes, little-endian.
    mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

    /// A byte as a signed offset, -128...127.
    mutating func signed() -> Int { Int(Int8(bitPattern: byte())) }

    /// `count` bytes (a raw payload).
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(byte()) }
        return out
    }
}
