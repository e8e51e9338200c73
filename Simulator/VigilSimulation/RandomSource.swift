#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, seedable random number generator (xoshiro256**, seeded through SplitMix64), so
/// that a scenario run with the same seed produces the same frames, byte for byte.
///
/// Each camera and each actor draws from its own stream (``init(seed:stream:)``), so adding a
/// camera to a scenario does not change what the other cameras report.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates the generator for `stream` of `seed`.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03
        s0 = Self.splitMix(&x)
        s1 = Self.splitMix(&x)
        s2 = Self.splitMix(&x)
        s3 = Self.splitMix(&x)
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform value in `[0, 1)`.
    @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform value in `[-halfWidth, halfWidth)`.
    @inline(__always)
    public mutating func symmetric(_ halfWidth: Double) -> Double {
        (unit() * 2 - 1) * halfWidth
    }

    /// Two independent standard normal values (Box–Muller), scaled by `sigma`.
    @inline(__always)
    public mutating func gaussianPair(sigma: Double) -> (Double, Double) {
        let u1 = 1 - unit()  // (0, 1]: log stays finite
        let u2 = unit()
        let r = (-2 * log(u1)).squareRoot() * sigma
        let angle = 2 * Double.pi * u2
        return (r * cos(angle), r * sin(angle))
    }
}
