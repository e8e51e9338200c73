#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A target's velocity over the last few seconds, robust to the gateways' geolocation noise and
/// to the order in which cameras deliver.
///
/// Fixes are averaged per second of event time (ten frames from each camera that sees the
/// target, so the noise of one fix shrinks by √n). A second stays open for fixes until two
/// seconds after it began, so a camera whose frames arrive a little behind another's still adds
/// to it. The velocity is the move between the newest closed second and the one `span` seconds
/// before it. With 3 m of noise per fix and two cameras at 10 fps, that is about 0.2 m/s of error
/// per axis. Fixed size: no allocation per target.
struct Motion {
    /// One second's mean position.
    struct Sample {
        var lat: Double
        var lon: Double
        /// The second (event time, ms / 1000).
        var second: Int64
        /// The mean time of its fixes, ms into the second.
        var meanMs: Double

        static let none = Sample(lat: 0, lon: 0, second: .min, meanMs: 0)
    }

    /// The fixes of one second being summed.
    private struct Bucket {
        var second: Int64
        var sumLat = 0.0, sumLon = 0.0, n = 0.0
        /// The sum of the fixes' times, ms into the second.
        var sumMs = 0.0

        var mean: Sample? { n > 0 ? Sample(lat: sumLat / n, lon: sumLon / n, second: second, meanMs: sumMs / n) : nil }

        mutating func add(_ point: GeoPoint, ms: Int64) {
            sumLat += point.lat
            sumLon += point.lon
            sumMs += Double(ms - second * 1_000)
            n += 1
        }
    }

    /// Seconds between the two samples compared.
    static let span: Int64 = 3

    /// The two open seconds: the one before the newest, and the newest.
    private var previous = Bucket(second: .min / 2)
    private var current = Bucket(second: .min / 2 + 1)
    /// The last four closed seconds, a ring indexed by `pushed`.
    private var ring = (Sample.none, Sample.none, Sample.none, Sample.none)
    private var pushed = 0
    /// East and north, metres a second; nil until `span` seconds are known.
    private(set) var velocity: (east: Double, north: Double)?

    /// Adds a fix at event time `ts` (fixes more than a second older than the newest are ignored).
    mutating func add(_ point: GeoPoint, ts: Int64) {
        let second = ts >= 0 ? ts / 1_000 : (ts - 999) / 1_000
        if second > current.second {
            if let mean = previous.mean { push(mean) }
            if second == current.second + 1 {
                previous = current
            } else {
                if let mean = current.mean { push(mean) }
                previous = Bucket(second: second - 1)
            }
            current = Bucket(second: second)
        }
        if second == current.second {
            current.add(point, ms: ts)
        } else if second == previous.second {
            previous.add(point, ms: ts)
        }
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
        // Between the mean times of the two seconds' fixes, not their starts: a second whose
        // fixes all came from its first half (the rest were late, or lost) is placed there, so a
        // vehicle's velocity does not swing by metres a second with the feed's gaps.
        let seconds = Double(sample.second - reference.second) + (sample.meanMs - reference.meanMs) / 1_000
        guard seconds > 0.5 else { return }
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

    /// Whether `other` moves with this one: velocities differing by at most `tolerance` m/s, or
    /// by ``relativeTolerance`` of the faster one's speed when that is more. The error of a
    /// velocity grows with the speed: a second's mean position is taken from the fixes that
    /// arrived in time, and a vehicle at 18 m/s whose frames come up to a second late has seconds
    /// averaged over half their span, 2 m/s apart for two vehicles of one convoy (trial t114).
    /// Unknown velocities (a target seen for under `span` seconds) never match.
    func movesWith(_ other: Motion, tolerance: Double) -> Bool {
        guard let a = velocity, let b = other.velocity else { return false }
        let de = a.east - b.east, dn = a.north - b.north
        let speed = max(a.east * a.east + a.north * a.north, b.east * b.east + b.north * b.north).squareRoot()
        let allowed = max(tolerance, Self.relativeTolerance * speed)
        return de * de + dn * dn <= allowed * allowed
    }

    /// The share of the speed two velocities may differ by and still move together.
    static let relativeTolerance = 0.15
}

// MARK: State (here, where the private fields are)

extension Motion {
    func encode(to w: inout StateWriter) {
        for bucket in [previous, current] {
            w.put(bucket.second)
            w.put(bucket.sumLat)
            w.put(bucket.sumLon)
            w.put(bucket.n)
            w.put(bucket.sumMs)
        }
        for sample in [ring.0, ring.1, ring.2, ring.3] {
            w.put(sample.lat)
            w.put(sample.lon)
            w.put(sample.second)
            w.put(sample.meanMs)
        }
        w.put(pushed)
        w.put(velocity) { w, v in
            w.put(v.east)
            w.put(v.north)
        }
    }

    init(from r: inout StateReader) throws(StateError) {
        func bucket(_ r: inout StateReader) throws(StateError) -> Bucket {
            var bucket = Bucket(second: try r.int64())
            bucket.sumLat = try r.double()
            bucket.sumLon = try r.double()
            bucket.n = try r.double()
            bucket.sumMs = try r.double()
            return bucket
        }
        func sample(_ r: inout StateReader) throws(StateError) -> Sample {
            Sample(lat: try r.double(), lon: try r.double(), second: try r.int64(), meanMs: try r.double())
        }
        self.init()
        previous = try bucket(&r)
        current = try bucket(&r)
        ring = (try sample(&r), try sample(&r), try sample(&r), try sample(&r))
        pushed = try r.int()
        velocity = try r.optional { r throws(StateError) in (east: try r.double(), north: try r.double()) }
    }
}
