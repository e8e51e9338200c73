#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A target's velocity over the last few seconds, robust to the gateways' geolocation noise.
///
/// Positions are averaged per second of event time (ten frames from each camera that sees the
/// target, so the noise of one fix shrinks by √n); the velocity is the move between the newest
/// complete second and the one `span` seconds before it. With 3 m of noise per fix and two
/// cameras at 10 fps, that is about 0.3 m/s of error per axis. Fixed size: no allocation per
/// target.
struct Motion {
    /// One second's mean position.
    struct Sample {
        var lat: Double
        var lon: Double
        /// The second (event time, ms / 1000).
        var second: Int64

        static let none = Sample(lat: 0, lon: 0, second: .min)
    }

    /// Seconds between the two samples compared.
    static let span: Int64 = 3

    private var second: Int64 = .min
    private var sumLat = 0.0, sumLon = 0.0, n = 0.0
    /// The last four complete seconds, a ring indexed by `pushed`.
    private var ring = (Sample.none, Sample.none, Sample.none, Sample.none)
    private var pushed = 0
    /// East and north, metres a second; nil until `span` seconds are known.
    private(set) var velocity: (east: Double, north: Double)?

    /// Adds a fix at event time `ts` (fixes older than the current second are ignored).
    mutating func add(_ point: GeoPoint, ts: Int64) {
        let second = ts >= 0 ? ts / 1_000 : (ts - 999) / 1_000
        if second > self.second {
            if n > 0 { push(Sample(lat: sumLat / n, lon: sumLon / n, second: self.second)) }
            self.second = second
            sumLat = 0
            sumLon = 0
            n = 0
        } else if second < self.second {
            return
        }
        sumLat += point.lat
        sumLon += point.lon
        n += 1
    }

    private mutating func push(_ sample: Sample) {
        switch pushed & 3 {
        case 0: ring.0 = sample
        case 1: ring.1 = sample
        case 2: ring.2 = sample
        default: ring.3 = sample
        }
        pushed += 1
        // The newest earlier second at least `span` before this one; three earlier distinct
        // seconds always hold one.
        guard pushed > Int(Self.span) else { return }
        var reference = sample
        for back in 1...Int(Self.span) {
            reference = self.sample(pushed - 1 - back)
            if sample.second - reference.second >= Self.span { break }
        }
        let seconds = Double(sample.second - reference.second)
        let metresPerDegreeLat = 110_574.0
        let metresPerDegreeLon = 111_320.0 * cos(sample.lat * .pi / 180)
        velocity = (
            (sample.lon - reference.lon) * metresPerDegreeLon / seconds,
            (sample.lat - reference.lat) * metresPerDegreeLat / seconds
        )
    }

    private func sample(_ index: Int) -> Sample {
        switch index & 3 {
        case 0: ring.0
        case 1: ring.1
        case 2: ring.2
        default: ring.3
        }
    }

    /// Whether `other` moves with this one: velocities differing by at most `tolerance` m/s.
    /// Unknown velocities (a target seen for under `span` seconds) never match.
    func movesWith(_ other: Motion, tolerance: Double) -> Bool {
        guard let a = velocity, let b = other.velocity else { return false }
        let de = a.east - b.east, dn = a.north - b.north
        return de * de + dn * dn <= tolerance * tolerance
    }
}
