/// The daemon's state as bytes, written by hand: fixed-width little-endian numbers and
/// length-prefixed strings and arrays, in an order each type's `encode`/`init(from:)` pair
/// agrees on. A snapshot is taken with every journal commit, so it must cost little (the
/// targets of a busy border are thousands of structs with tuples and nested arrays that
/// Codable would box one by one), and it is read only by the same build of Vigil (the header's
/// version says so; a mismatch starts afresh rather than misread).
public struct StateWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 4_096) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `value`, little-endian.
    public mutating func put(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends `value` in 8 bytes.
    public mutating func put(_ value: Int64) { put(UInt64(bitPattern: value)) }
    /// Appends `value` in 8 bytes.
    public mutating func put(_ value: Int) { put(Int64(value)) }
    /// Appends `value` in 8 bytes.
    public mutating func put(_ value: Int32) { put(Int64(value)) }
    /// Appends `value` in 8 bytes.
    public mutating func put(_ value: UInt32) { put(UInt64(value)) }
    /// Appends `value`'s bits in 8 bytes (NaN and the sign of zero kept).
    public mutating func put(_ value: Double) { put(value.bitPattern) }
    /// Appends one byte, 0 or 1.
    public mutating func put(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends the UTF-8 length, then the bytes.
    public mutating func put(_ value: String) {
        put(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    /// A presence byte, then the value when there is one.
    public mutating func put<T>(_ value: T?, _ write: (inout StateWriter, T) -> Void) {
        put(value != nil)
        if let value { write(&self, value) }
    }

    /// The count, then each element.
    public mutating func put<C: Collection>(_ values: C, _ write: (inout StateWriter, C.Element) -> Void) {
        put(values.count)
        for value in values { write(&self, value) }
    }

    /// Bytes as they are, without a length: a record another writer wrote, spliced in.
    public mutating func append(raw value: [UInt8]) {
        bytes.append(contentsOf: value)
    }

    /// Raw bytes with their length.
    public mutating func put(bytes value: [UInt8]) {
        put(value.count)
        bytes.append(contentsOf: value)
    }

    /// What `write` writes, with its length first: the bytes ``put(bytes:)`` writes of a record
    /// written by another writer, without that writer's array.
    public mutating func put(sized write: (inout StateWriter) -> Void) {
        let at = bytes.count
        put(0)
        write(&self)
        let length = UInt64(bytes.count - at - 8).littleEndian
        withUnsafeBytes(of: length) { length in
            for i in 0..<8 { bytes[at + i] = length[i] }
        }
    }
}

/// Reads what a ``StateWriter`` wrote, in the same order; throws at the first byte that is
/// missing or makes no sense.
public struct StateReader {
    private let bytes: [UInt8]
    private var offset = 0

    /// A reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Reads 8 bytes.
    public mutating func uint64() throws(StateError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw StateError("the state ends early, at byte \(offset)") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return value
    }

    /// Reads 8 bytes.
    public mutating func int64() throws(StateError) -> Int64 { Int64(bitPattern: try uint64()) }

    /// Reads 8 bytes; throws if the value does not fit.
    public mutating func int() throws(StateError) -> Int {
        let value = try int64()
        guard let int = Int(exactly: value) else { throw StateError("\(value) at byte \(offset - 8) is out of range") }
        return int
    }

    /// Reads 8 bytes; throws if the value does not fit.
    public mutating func int32() throws(StateError) -> Int32 {
        let value = try int64()
        guard let int = Int32(exactly: value) else { throw StateError("\(value) at byte \(offset - 8) is out of range") }
        return int
    }

    /// Reads 8 bytes; throws if the value does not fit.
    public mutating func uint32() throws(StateError) -> UInt32 {
        let value = try uint64()
        guard let int = UInt32(exactly: value) else { throw StateError("\(value) at byte \(offset - 8) is out of range") }
        return int
    }

    /// Reads 8 bytes as a double's bits.
    public mutating func double() throws(StateError) -> Double { Double(bitPattern: try uint64()) }

    /// Reads one byte, which must be 0 or 1.
    public mutating func bool() throws(StateError) -> Bool {
        guard offset < bytes.count else { throw StateError("the state ends early, at byte \(offset)") }
        defer { offset += 1 }
        switch bytes[offset] {
        case 0: return false
        case 1: return true
        case let other: throw StateError("byte \(offset) is \(other), not a boolean")
        }
    }

    /// A count of things that follow: at most the bytes left, so a corrupt count fails here
    /// instead of reserving memory for it.
    public mutating func count() throws(StateError) -> Int {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else { throw StateError("a count of \(count) at byte \(offset - 8) is more than the state holds") }
        return count
    }

    /// Reads a length and that many bytes of UTF-8.
    public mutating func string() throws(StateError) -> String {
        let count = try count()
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    /// Reads a length and that many bytes.
    public mutating func rawBytes() throws(StateError) -> [UInt8] {
        let count = try count()
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a presence byte, then the value with `read` when present.
    public mutating func optional<T>(_ read: (inout StateReader) throws(StateError) -> T) throws(StateError) -> T? {
        try bool() ? try read(&self) : nil
    }

    /// Reads a count, then that many values with `read`.
    public mutating func array<T>(_ read: (inout StateReader) throws(StateError) -> T) throws(StateError) -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}

/// A state that cannot be read: what is wrong with it.
public struct StateError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
