import Foundation

/// Standard output, buffered: written in blocks of about 1 MiB.
struct ZonesOutputBuffer {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 20 + 4_096) }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func append(_ more: [UInt8]) {
        bytes.append(contentsOf: more)
        if bytes.count >= 1 << 20 { flush() }
    }

    mutating func append(_ text: String) { append(Array(text.utf8)) }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
