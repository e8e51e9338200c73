#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a capture line by line, streaming: memory holds one read block and the current line,
/// whatever the size of the file.
///
/// Not thread-safe: owned by one thread.
public final class CaptureReader {
    /// The file read, as given (`-` is standard input).
    public let path: String
    /// The header, when the capture has one.
    public private(set) var header: CaptureHeader?
    /// The number of the last line read, from 1.
    public private(set) var lineNumber = 0
    /// The longest line accepted (a payload of 4 MiB escaped to the full is 24 MiB).
    public static let maxLineBytes = 64 << 20

    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    /// The unread part of ``buffer`` starts here.
    private var start = 0
    private var endOfFile = false
    /// The first message, read while looking for the header.
    private var pending: CapturedMessage?
    private static let readBytes = 256 << 10

    /// Opens the capture at `path` (`-`: standard input) and reads its header, if any.
    public init(path: String) throws(CaptureError) {
        self.path = path
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw CaptureError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
            ownsDescriptor = true
        }
        buffer.reserveCapacity(Self.readBytes * 2)
        try readFirstLine()
    }

    /// Reads the capture held in `bytes` (named `name` in errors), as if from a file: the same
    /// lines, header and messages, the same errors. For tests and the capture fuzz target.
    public init(bytes: [UInt8], name: String = "<bytes>") throws(CaptureError) {
        path = name
        descriptor = -1
        ownsDescriptor = false
        buffer = bytes
        endOfFile = true
        try readFirstLine()
    }

    /// The first line: the header, or the first message (kept for ``next()``).
    private func readFirstLine() throws(CaptureError) {
        guard let first = try nextLine() else { return }
        try first.withUnsafeBufferPointer { line throws(CaptureError) in
            switch try parse(line, first: true) {
            case .header(let header): self.header = header
            case .message(let message): pending = message
            }
        }
    }

    deinit { close() }

    /// Closes the file (standard input stays open). Idempotent.
    public func close() {
        if ownsDescriptor && descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }

    private var displayName: String { path == "-" ? "<stdin>" : path }

    /// The next message, or `nil` at the end of the capture. A line that is not a message is an
    /// error naming the file and the line.
    public func next() throws(CaptureError) -> CapturedMessage? {
        if let message = pending {
            pending = nil
            return message
        }
        guard let line = try nextLine() else { return nil }
        return try line.withUnsafeBufferPointer { line throws(CaptureError) in
            switch try parse(line, first: false) {
            case .message(let message): return message
            case .header: throw CaptureError(file: displayName, line: lineNumber, "a capture header is allowed on the first line only")
            }
        }
    }

    private enum Line {
        case header(CaptureHeader)
        case message(CapturedMessage)
    }

    private func parse(_ line: UnsafeBufferPointer<UInt8>, first: Bool) throws(CaptureError) -> Line {
        do {
            let fields = try CaptureLine.parseObject(line)
            if fields.contains(where: { $0.key == "vigil_capture" }) {
                return .header(try CaptureLine.header(from: fields))
            }
            return .message(try CaptureLine.message(from: fields))
        } catch {
            throw CaptureError(file: displayName, line: lineNumber, error.message)
        }
    }

    /// The next line without its newline, or `nil` at the end of the file. A last line without
    /// a newline counts as a line.
    private func nextLine() throws(CaptureError) -> ArraySlice<UInt8>? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return line
            }
            if endOfFile {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return line
            }
            if buffer.count - start > Self.maxLineBytes {
                throw CaptureError(file: displayName, line: lineNumber + 1, "line longer than \(Self.maxLineBytes) bytes")
            }
            // Keep the partial line, read more after it.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            searchFrom = buffer.count
            try fill()
        }
    }

    private func fill() throws(CaptureError) {
        guard descriptor >= 0 else { throw CaptureError(file: displayName, "read after close") }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.readBytes))
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, Self.readBytes) }
        } while count < 0 && errno == EINTR
        if count < 0 {
            let code = errno
            buffer.removeSubrange(old...)
            throw CaptureError(file: displayName, "cannot read: \(String(cString: strerror(code)))")
        }
        buffer.removeSubrange((old + count)...)
        if count == 0 { endOfFile = true }
    }
}
