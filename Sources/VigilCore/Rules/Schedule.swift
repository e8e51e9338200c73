/// When a rule applies: windows of local time of day on some weekdays, in the site's time zone.
///
/// A window from 19:00 to 05:30 wraps midnight. The weekday is that of the moment judged, so a
/// night window on `[fri]` covers Friday 19:00–24:00 and Friday 00:00–05:30.
public struct Schedule: Sendable, Equatable {
    /// A window of local time, minutes since midnight: `from` included, `to` excluded.
    public struct Window: Sendable, Equatable {
        /// Start, minutes since local midnight (0–1439).
        public var from: Int
        /// End, minutes since local midnight (0–1440); before `from`: the window wraps midnight.
        public var to: Int

        /// Creates a window.
        public init(from: Int, to: Int) {
            self.from = from
            self.to = to
        }

        /// Whether minute `m` of the day falls in the window.
        public func contains(_ m: Int) -> Bool {
            from <= to ? (m >= from && m < to) : (m >= from || m < to)
        }
    }

    /// The windows; the schedule matches in any of them.
    public var windows: [Window]
    /// Bit `d` set: applies on weekday `d` (0 = Monday … 6 = Sunday). All bits: every day.
    public var weekdays: UInt8

    /// Every day of the week.
    public static let everyDay: UInt8 = 0b111_1111

    /// Creates a schedule.
    public init(windows: [Window], weekdays: UInt8 = Schedule.everyDay) {
        self.windows = windows
        self.weekdays = weekdays
    }

    /// Whether the schedule applies at `ms` (epoch milliseconds), judged in `time`.
    public func contains(_ ms: Int64, in time: SiteTime) -> Bool {
        let local = time.local(ms)
        guard weekdays & (1 << UInt8(local.weekday)) != 0 else { return false }
        return windows.contains { $0.contains(local.minute) }
    }
}

/// The site's time zone as a table of UTC offsets, so schedules are judged in local time without
/// Foundation on the per-detection path. The configuration builds it from a tz database name
/// (`Asia/Baghdad`); the offsets change only at the listed transitions (daylight saving time).
public struct SiteTime: Sendable, Equatable {
    /// The zone's name, for messages.
    public let name: String
    /// Epoch milliseconds at which an offset starts, ascending; the first is `Int64.min`.
    private let starts: [Int64]
    /// Seconds east of UTC from the matching start on.
    private let offsets: [Int32]

    /// Creates a table: `transitions` are (epoch ms, offset seconds east of UTC from then on),
    /// `initialOffset` applies before the first.
    public init(name: String, initialOffset: Int32, transitions: [(ms: Int64, offsetSeconds: Int32)]) {
        self.name = name
        var starts: [Int64] = [.min], offsets = [initialOffset]
        for transition in transitions.sorted(by: { $0.ms < $1.ms }) where transition.ms > starts.last! {
            starts.append(transition.ms)
            offsets.append(transition.offsetSeconds)
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// Coordinated Universal Time.
    public static let utc = SiteTime(name: "UTC", initialOffset: 0, transitions: [])

    /// Seconds east of UTC at `ms`.
    public func offsetSeconds(at ms: Int64) -> Int32 {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= ms { low = mid } else { high = mid - 1 }
        }
        return offsets[low]
    }

    /// Local minute of the day (0–1439) and weekday (0 = Monday … 6 = Sunday) at `ms`.
    public func local(_ ms: Int64) -> (minute: Int, weekday: Int) {
        let seconds = ms / 1_000 + Int64(offsetSeconds(at: ms)) - (ms % 1_000 < 0 ? 1 : 0)
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let minute = Int((seconds - day * 86_400) / 60)
        // 1970-01-01 was a Thursday (3 with Monday = 0).
        let weekday = Int(((day % 7) + 7 + 3) % 7)
        return (minute, weekday)
    }
}
