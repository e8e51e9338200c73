import Foundation

/// A latency-by-percentile plot as a self-contained SVG document, the way HdrHistogram's plotter
/// draws one: the x axis is log-scaled in 1/(1 − p), so 0 %, 90 %, 99 %, 99.9 % and 99.99 % are
/// equally spaced and the tail gets the room; the y axis is linear in ms from 0.
///
/// Written by hand (a few text elements, lines and one path) so that the simulator needs no
/// plotting dependency. Percentiles above 99.99 % are drawn at the right edge.
public enum LatencyPlot {
    /// One point of the curve.
    public struct Point: Sendable, Equatable {
        /// Percentile, 0 to 100.
        public var percentile: Double
        /// Latency at that percentile, ms.
        public var milliseconds: Double

        /// Creates a point.
        public init(percentile: Double, milliseconds: Double) {
            self.percentile = percentile
            self.milliseconds = milliseconds
        }
    }

    /// The x axis' ticks: percentile and label.
    public static let percentileTicks: [(percentile: Double, label: String)] = [
        (0, "0%"), (90, "90%"), (99, "99%"), (99.9, "99.9%"), (99.99, "99.99%"),
    ]

    private static let width = 720.0, height = 460.0
    private static let left = 72.0, right = 690.0, top = 86.0, bottom = 396.0

    /// Where `percentile` lies on the x axis, in decades of 1/(1 − p): 0 for 0 %, 1 for 90 %, 2 for
    /// 99 %, up to 4 for 99.99 % and above.
    public static func decades(percentile: Double) -> Double {
        guard percentile < 100 else { return 4 }
        return min(4, max(0, log10(100 / (100 - percentile))))
    }

    /// A round step for about `ticks` intervals over 0...`range`: 1, 2 or 5 times a power of ten.
    public static func niceStep(_ range: Double, ticks: Int = 5) -> Double {
        guard range > 0, range.isFinite else { return 1 }
        let raw = range / Double(ticks)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let scaled = raw / magnitude
        return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * magnitude
    }

    /// The SVG document: `title` and `subtitle` (up to two lines, split at a line feed) above,
    /// axes with their labels, the curve through `points` (in order of percentile), or "no
    /// latency measured" when there are none.
    public static func svg(points: [Point], title: String, subtitle: String) -> String {
        let highest = points.map(\.milliseconds).max() ?? 0
        let step = niceStep(highest > 0 ? highest : 1)
        let yMax = max(step, (highest / step).rounded(.up) * step)
        let decimals = step >= 1 ? 0 : Int((-log10(step) - 1e-9).rounded(.up))
        func x(_ percentile: Double) -> Double { left + decades(percentile: percentile) / 4 * (right - left) }
        func y(_ milliseconds: Double) -> Double { bottom - milliseconds / yMax * (bottom - top) }
        func n(_ value: Double) -> String { Format.fixed(value, 1) }

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
            font-family="Helvetica, Arial, sans-serif" font-size="12">
            <title>\(escape(title))</title>
            <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#ffffff"/>
            <text x="\(n(width / 2))" y="26" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        for (index, line) in subtitle.split(separator: "\n").prefix(2).enumerated() {
            svg += """
                <text x="\(n(width / 2))" y="\(n(48 + 18 * Double(index)))" text-anchor="middle" fill="#444444">\(escape(String(line)))</text>

                """
        }
        // Grid and tick labels.
        var tick = 0.0
        while tick <= yMax + step / 2 {
            svg += """
                <line x1="\(n(left))" y1="\(n(y(tick)))" x2="\(n(right))" y2="\(n(y(tick)))" stroke="#dddddd"/>
                <text x="\(n(left - 8))" y="\(n(y(tick) + 4))" text-anchor="end">\(Format.fixed(tick, decimals))</text>

                """
            tick += step
        }
        for (percentile, label) in percentileTicks {
            svg += """
                <line x1="\(n(x(percentile)))" y1="\(n(top))" x2="\(n(x(percentile)))" y2="\(n(bottom))" stroke="#dddddd"/>
                <text x="\(n(x(percentile)))" y="\(n(bottom + 18))" text-anchor="middle">\(label)</text>

                """
        }
        // Axes and their names.
        svg += """
            <line x1="\(n(left))" y1="\(n(bottom))" x2="\(n(right))" y2="\(n(bottom))" stroke="#000000"/>
            <line x1="\(n(left))" y1="\(n(top))" x2="\(n(left))" y2="\(n(bottom))" stroke="#000000"/>
            <text x="\(n((left + right) / 2))" y="\(n(bottom + 42))" text-anchor="middle">percentile (log scale of 1/(1 − p))</text>
            <text x="18" y="\(n((top + bottom) / 2))" text-anchor="middle" transform="rotate(-90 18 \(n((top + bottom) / 2)))">latency (ms)</text>

            """
        if points.isEmpty {
            svg += """
                <text x="\(n((left + right) / 2))" y="\(n((top + bottom) / 2))" text-anchor="middle" fill="#444444">no latency measured</text>

                """
        } else {
            let path = points.enumerated().map { index, point in
                "\(index == 0 ? "M" : "L")\(n(x(point.percentile))) \(n(y(point.milliseconds)))"
            }.joined(separator: " ")
            svg += """
                <path d="\(path)" fill="none" stroke="#1f5fbf" stroke-width="2" stroke-linejoin="round"/>

                """
        }
        svg += "</svg>\n"
        return svg
    }

    /// `text` with the five XML special characters escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
