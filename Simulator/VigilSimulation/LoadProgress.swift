/// Where a load run stands, and the one line that shows it on a terminal:
///
/// ```
/// [########------------]   42%  420,000/1,000,000 msg  12.1 s  34,711 msg/s  1,204 alerts
/// ```
///
/// The run stops at `count` messages or `duration` seconds, whichever comes first, so the part
/// done is the larger of the two fractions.
public struct LoadProgress: Sendable, Equatable {
    /// Messages sent so far, hostile ones included.
    public var sent: Int
    /// The run's `--count`, if any.
    public var count: Int?
    /// Seconds since the first message.
    public var elapsed: Double
    /// The run's `--duration`, if any.
    public var duration: Double?
    /// Alert messages received so far.
    public var alerts: Int

    /// Creates a state of progress.
    public init(sent: Int, count: Int?, elapsed: Double, duration: Double?, alerts: Int) {
        self.sent = sent
        self.count = count
        self.elapsed = elapsed
        self.duration = duration
        self.alerts = alerts
    }

    /// The part of the run done, 0 to 1.
    public var fraction: Double {
        var done = 0.0
        if let count, count > 0 { done = max(done, Double(sent) / Double(count)) }
        if let duration, duration > 0 { done = max(done, elapsed / duration) }
        return min(1, max(0, done))
    }

    /// Messages a second so far (0 before any time has passed).
    public var rate: Double { elapsed > 0 ? Double(sent) / elapsed : 0 }

    /// The line, at most `width` characters, without a line feed: a bar of up to `barWidth`
    /// cells (fewer when the terminal is narrow, none below 5), the percentage, messages sent (of
    /// `count`), seconds (of `duration`), messages a second and alerts received; what still does
    /// not fit is cut at the end.
    public func line(width: Int = 80, barWidth: Int = 20) -> String {
        let percent = "\(Int((fraction * 100).rounded(.down)))%"
        let messages = (count.map { "\(Self.grouped(sent))/\(Self.grouped($0))" } ?? Self.grouped(sent)) + " msg"
        let seconds = (duration.map { "\(Format.fixed(elapsed, 1))/\(Format.fixed($0, 1))" } ?? Format.fixed(elapsed, 1)) + " s"
        let figures = [
            String(repeating: " ", count: max(0, 4 - percent.count)) + percent, messages, seconds,
            "\(Self.grouped(Int(rate.rounded()))) msg/s", "\(Self.grouped(alerts)) alerts",
        ].joined(separator: "  ")
        let cells = min(barWidth, width - figures.count - 4)  // "[", "]" and two spaces
        var text = String(figures.drop { $0 == " " })
        if cells >= 5 {
            let filled = Int((fraction * Double(cells)).rounded(.down))
            text = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "]  " + figures
        }
        return text.count > width ? String(text.prefix(max(0, width))) : text
    }

    /// `value` with a comma between groups of three digits: `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}
