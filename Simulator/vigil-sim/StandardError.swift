#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to standard error (file descriptor 2), unbuffered.
enum StandardError {
    /// Writes `line` and a line feed.
    static func write(_ line: String) {
        writeRaw(line + "\n")
    }

    /// Writes `text` as it is (a progress line redrawn after a carriage return).
    static func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                let written = Darwin.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// Whether standard error is a terminal.
    static var isTerminal: Bool { isatty(2) == 1 }

    /// The terminal's width in columns (80 when it cannot be read).
    static var columns: Int {
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(2, UInt(TIOCGWINSZ), $0) }
        return status == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }
}
