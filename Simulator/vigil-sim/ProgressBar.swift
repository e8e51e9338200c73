import ArgumentParser
import VigilSimulation

/// `--progress`: when a load run shows its progress line.
enum ProgressMode: String, CaseIterable, ExpressibleByArgument {
    /// When standard error is a terminal.
    case auto
    /// Always, even into a file or a pipe.
    case always
    /// Never.
    case never

    /// Whether the line is shown, given whether standard error is a terminal.
    func shows(standardErrorIsTerminal: Bool) -> Bool {
        switch self {
        case .auto: standardErrorIsTerminal
        case .always: true
        case .never: false
        }
    }
}

/// A load run's progress line (``LoadProgress/line(width:barWidth:)``) on standard error, redrawn
/// in place: a carriage return, the line, spaces over what is left of the longer line before. No
/// escape sequences and no colour, so any terminal shows it, `TERM=dumb` included. The line is
/// kept a column short of the terminal's width, so it never wraps.
final class ProgressBar {
    private var drawnWidth = 0
    private let width = StandardError.columns - 1

    /// Draws `progress` over the previous line.
    func draw(_ progress: LoadProgress) {
        let line = progress.line(width: width)
        StandardError.writeRaw("\r" + line + String(repeating: " ", count: max(0, drawnWidth - line.count)))
        drawnWidth = line.count
    }

    /// Ends the line with a line feed, if one was drawn.
    func finish() {
        guard drawnWidth > 0 else { return }
        StandardError.writeRaw("\n")
        drawnWidth = 0
    }
}
