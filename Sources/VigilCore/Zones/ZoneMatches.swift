/// The zones that contain a point (indices into ``ZoneSet/zones``), highest priority first (ties:
/// lower index first), as ``ZoneSet/classify(_:)`` returns them.
///
/// A value type with room for ``inlineCapacity`` indices inside it, so that classifying a point
/// allocates nothing unless the point lies in more zones than that (then the indices move to an
/// array).
public struct ZoneMatches: RandomAccessCollection, Sendable {
    /// How many indices fit without allocating.
    public static let inlineCapacity = 14

    private var inline: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var overflow: [Int] = []
    /// The number of indices.
    public private(set) var count = 0

    /// An empty list.
    public init() {}

    /// The first position, 0.
    public var startIndex: Int { 0 }

    /// One past the last position, ``count``.
    public var endIndex: Int { count }

    /// The zone index at `position`.
    @inline(__always)
    public subscript(position: Int) -> Int {
        precondition(position >= 0 && position < count, "index out of range")
        if count > Self.inlineCapacity { return overflow[position] }
        return withUnsafeBytes(of: inline) { Int($0.load(fromByteOffset: position * 4, as: Int32.self)) }
    }

    /// Appends a zone index.
    @inline(__always)
    mutating func append(_ zone: Int) {
        if count < Self.inlineCapacity {
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: Int32(truncatingIfNeeded: zone), toByteOffset: count * 4, as: Int32.self) }
        } else {
            if count == Self.inlineCapacity {
                overflow.reserveCapacity(2 * Self.inlineCapacity)
                for position in 0..<count {
                    overflow.append(withUnsafeBytes(of: inline) { Int($0.load(fromByteOffset: position * 4, as: Int32.self)) })
                }
            }
            overflow.append(zone)
        }
        count += 1
    }
}
