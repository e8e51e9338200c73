#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilWire

/// One alert message as one line of text, for an operator at a terminal (`vigil tail --format
/// text`):
///
///     2026-11-21 02:33:07Z CRITICAL border_crossing raised    near Rabia (IQ), km 553.0  SY->IQ  3 person  cam-rabia-03, cam-rabia-04  zone iq-sy-border
///
/// Four columns of fixed width, separated by a space, so that lines align:
/// - the event time of the incident's latest detection (`last_ts`), UTC, to the second;
/// - the severity, upper case, 8 wide;
/// - the kind, 15 wide (`border_crossing`; a longer kind pushes the rest of its line right);
/// - the state, 8 wide.
///
/// Then the fields that have something to say, separated by two spaces:
/// - where: `near Rabia (IQ), km 412.3` from the ``AlertLocation`` the caller found for the
///   alert's position (either part may be missing); a coverage gap's stretch instead
///   (`km 556.1–559.3`), as its position is only the stretch's middle;
/// - the direction of a crossing (`SY->IQ`);
/// - how many targets of which class (`3 person`), but not for camera health (`camera_offline`,
///   `coverage_gap`), whose class is always `unknown` and whose count is its cameras;
/// - the cameras, comma-separated; past three, the first two and how many more
///   (`cam-a, cam-b +4`). A `camera_offline` lists all of them, as they are what the operator
///   must send someone to, after their number when there are more than three
///   (`5 cameras: cam-a, cam-b, cam-c, cam-d, cam-e`);
/// - the zone (`zone iq-sy-border`);
/// - `EXERCISE` when the alert is marked as an exercise.
///
/// With ``colour``, ANSI SGR codes colour the severity (critical bold red, high red, medium
/// yellow, low cyan) and dim a resolved line, its severity included (the incident is over).
///
/// The strings of an alert come from the wire, where JSON allows any character: those that
/// control a terminal rather than print (escape, newline, bidirectional overrides) are written
/// as U+FFFD, so that no alert can move the cursor, recolour the screen or break its line in two.
public struct AlertTextFormatter: Sendable {
    /// Whether to colour the line with ANSI escape codes.
    public var colour: Bool

    /// A formatter, colouring or not.
    public init(colour: Bool = false) {
        self.colour = colour
    }

    /// Whether `--color auto` colours: when standard output is a terminal, `NO_COLOR` is unset
    /// or empty (no-color.org) and `TERM` is not `dumb` (a terminal that shows escape codes as
    /// text).
    public static func coloursByDefault(standardOutputIsTerminal: Bool, environment: [String: String]) -> Bool {
        standardOutputIsTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// The line for `alert` (without a newline), placed by `location` when it has one.
    public func line(for alert: AlertMessage, location: AlertLocation? = nil) -> String {
        let dim = colour && alert.state == .resolved
        let fields = [
            Self.place(of: alert, location: location),
            alert.direction,
            Self.isCameraHealth(alert) ? nil : "\(alert.count) \(alert.objectClass.rawValue)",
            Self.cameras(of: alert),
            "zone \(alert.zone)",
            alert.exercise ? "EXERCISE" : nil,
        ].compactMap { $0 }.filter { !$0.isEmpty }
        let line = [
            Self.time(millisecondsSince1970: alert.lastTs),
            severity(alert.severity, dim: dim),
            Self.printable(Self.padded(alert.kind, to: 15)),
            Self.padded(alert.state.rawValue, to: 8),
        ].joined(separator: " ") + "  " + Self.printable(fields.joined(separator: "  "))
        return dim ? SGR.dim + line + SGR.reset : line
    }

    /// The severity in upper case, 8 wide; coloured (the padding not) with ``colour``.
    private func severity(_ severity: Severity, dim: Bool) -> String {
        let word = severity.rawValue.uppercased()
        let padding = String(repeating: " ", count: max(0, 8 - word.count))
        guard colour else { return word + padding }
        let style: String
        switch severity {
        case .critical: style = dim ? SGR.dimRed : SGR.boldRed
        case .high: style = dim ? SGR.dimRed : SGR.red
        case .medium: style = dim ? SGR.dimYellow : SGR.yellow
        case .low: style = dim ? SGR.dimCyan : SGR.cyan
        }
        // A reset ends the dimming too; a dim line takes it up again after the word.
        return style + word + SGR.reset + (dim ? SGR.dim : "") + padding
    }

    /// `camera_offline` and `coverage_gap` (or any alert with a stretch): about cameras, not targets.
    private static func isCameraHealth(_ alert: AlertMessage) -> Bool {
        alert.kind == "camera_offline" || alert.kind == "coverage_gap" || alert.stretch != nil
    }

    /// `km 215.0–221.4` for a stretch, else `near Rabia (IQ), km 412.3` or the part known.
    private static func place(of alert: AlertMessage, location: AlertLocation?) -> String? {
        if let stretch = alert.stretch { return "km \(tenths(stretch.fromKm))–\(tenths(stretch.toKm))" }
        let near = location?.place.map { place in
            "near " + place.name + (place.country.map { " (\($0.uppercased()))" } ?? "")
        }
        let km = location?.km.map { "km \(tenths($0))" }
        let parts = [near, km].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The cameras: every one of a `camera_offline` (their number first past three), else up to
    /// three and past that the first two and `+N`.
    private static func cameras(of alert: AlertMessage) -> String? {
        let cameras = alert.cameras
        if cameras.count <= 3 { return cameras.joined(separator: ", ") }
        if alert.kind == "camera_offline" { return "\(cameras.count) cameras: " + cameras.joined(separator: ", ") }
        return cameras.prefix(2).joined(separator: ", ") + " +\(cameras.count - 2)"
    }

    /// `text` with every character that controls a terminal rather than prints (general
    /// categories Cc, Cf, Zl and Zp) replaced by U+FFFD.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// `text` followed by spaces up to `width` characters (longer text as it is).
    private static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// `2026-12-07 04:31:12Z`: UTC, the milliseconds dropped (rounded down). A time the C library
    /// cannot break down (beyond a 32-bit year) is printed as the epoch milliseconds it is.
    static func time(millisecondsSince1970 milliseconds: Int64) -> String {
        let remainder = milliseconds % 1_000
        var seconds = time_t(milliseconds / 1_000 - (remainder < 0 ? 1 : 0))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "ts \(milliseconds)" }
        return "\(Int(parts.tm_year) + 1_900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `value` with one decimal (`412.3`); a value too large for that (not a km of any border) as
    /// Swift writes it.
    static func tenths(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        let tenths = Int64((value * 10).rounded())
        return (tenths < 0 ? "-" : "") + "\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
    }

    /// The ANSI Select Graphic Rendition sequences used.
    private enum SGR {
        static let reset = "\u{1B}[0m"
        static let dim = "\u{1B}[2m"
        static let boldRed = "\u{1B}[1;31m"
        static let red = "\u{1B}[31m"
        static let yellow = "\u{1B}[33m"
        static let cyan = "\u{1B}[36m"
        static let dimRed = "\u{1B}[2;31m"
        static let dimYellow = "\u{1B}[2;33m"
        static let dimCyan = "\u{1B}[2;36m"
    }
}
