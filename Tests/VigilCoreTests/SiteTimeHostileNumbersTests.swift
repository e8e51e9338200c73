import Foundation
import Testing
import VigilCore

/// Event times anywhere the parser takes them (`ts` in 0...2^53) and beyond, against schedules
/// and the site's time, and extreme values in alert messages (issue 12).
@Suite struct SiteTimeHostileNumbersTests {
    /// A site three hours east of UTC with one change of offset, as a tz table gives it.
    static let site = SiteTime(name: "Test/Site", initialOffset: 10_800, transitions: [(ms: 1_000_000_000_000, offsetSeconds: 14_400)])

    /// Local minute and weekday at the ends of Int64 and of the parser's range, worked out
    /// independently (Python integers: floor division of seconds, 1970-01-01 a Thursday).
    @Test func localTimeIsTotalOverInt64() {
        let utc: [(Int64, Int, Int)] = [
            (0, 0, 3), (-1, 1_439, 2), (1 << 53, 539, 2), ((1 << 53) - 1, 539, 2), (10_000_000_000_000_000, 1_066, 6),
            (1_795_228_387_250, 153, 5), (.max, 432, 6), (.min, 1_007, 6),
        ]
        for (ms, minute, weekday) in utc {
            let local = SiteTime.utc.local(ms)
            #expect(local.minute == minute && local.weekday == weekday, "\(ms)")
        }
        let before = SiteTime(name: "+3", initialOffset: 10_800, transitions: [])
        let plusThree: [(Int64, Int, Int)] = [(0, 180, 3), (-1, 179, 3), (1 << 53, 719, 2), (.max, 612, 6), (.min, 1_187, 6)]
        for (ms, minute, weekday) in plusThree {
            let local = before.local(ms)
            #expect(local.minute == minute && local.weekday == weekday, "\(ms) at +3")
        }
        #expect(Self.site.offsetSeconds(at: .min) == 10_800 && Self.site.offsetSeconds(at: .max) == 14_400)
    }

    /// Every event time the parser takes, sampled: the minute is in 0..<1440, the weekday in
    /// 0..<7, and a day later is the same minute of the next weekday.
    @Test func localTimeAcrossTheParsersRangeIsAClock() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [0, 1, 999, 1_000, 86_399_999, (1 << 53) - 86_400_000, 1 << 53]
        let samples = fixed + (0..<2_000).map { _ in Int64.random(in: 0...(1 << 53) - 86_400_000, using: &generator) }
        for ms in samples {
            for time in [SiteTime.utc, Self.site] {
                let local = time.local(ms)
                #expect((0..<1_440).contains(local.minute) && (0..<7).contains(local.weekday), "\(ms)")
                guard ms <= (1 << 53) - 86_400_000 else { continue }
                let next = time.local(ms + 86_400_000)
                if time == SiteTime.utc || ms >= 1_000_000_000_000 {
                    #expect(next.minute == local.minute && next.weekday == (local.weekday + 1) % 7, "\(ms)")
                }
            }
        }
    }

    @Test func schedulesJudgeAnyEventTime() {
        let night = Schedule(windows: [Schedule.Window(from: 19 * 60, to: 5 * 60 + 30)], weekdays: 0b001_0000)  // Fridays
        // 2^53 ms is a Wednesday (weekday 2) at 08:59 UTC: not a Friday night.
        #expect(!night.contains(1 << 53, in: .utc))
        let always = Schedule(windows: [Schedule.Window(from: 0, to: 1_440)])
        for ms in [Int64.min, -1, 0, 1 << 53, .max] { #expect(always.contains(ms, in: Self.site), "\(ms)") }
        // Int64.max is a Sunday (6) at 07:12 UTC.
        #expect(Schedule(windows: [Schedule.Window(from: 7 * 60, to: 8 * 60)], weekdays: 0b100_0000).contains(.max, in: .utc))
    }

    /// The encoder writes any value an event can hold as JSON a consumer can read: numbers at
    /// the ends of their types, non-finite coordinates as 0.
    @Test func alertMessagesAtTheEndsOfTheirTypesAreJSON() throws {
        let stretch = CoverageStretch(border: 0, fromKm: -.greatestFiniteMagnitude, toKm: .greatestFiniteMagnitude, from: GeoPoint(lat: .nan, lon: .infinity), to: GeoPoint(lat: 90, lon: 180))
        let extremes: [(count: Int, ts: Int64, lat: Double)] = [(.max, .max, .nan), (.min, .min, -.infinity), (0, 0, 1e308)]
        for (count, ts, lat) in extremes {
            let event = AlertMessage(
                id: "al-\u{0}\"\\", state: .raised, kind: "k", severity: .low, objectClass: .unknown, count: count, sector: "S", zone: "z", lat: lat,
                lon: -lat, direction: "\u{1F}", cameras: ["c"], firstTs: ts, lastTs: ts, rule: "r\n", stretch: stretch)
            let json = AlertEncoder.encode(event, seq: .max, emittedTs: ts)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any], "\(String(decoding: json, as: UTF8.self))")
            let text = String(decoding: json, as: UTF8.self)
            #expect(text.contains(#""seq":18446744073709551615,"#) && text.contains(#""count":\#(count),"#) && text.contains(#""first_ts":\#(ts),"#))
            #expect(object["id"] as? String == "al-\u{0}\"\\")
        }
    }
}
