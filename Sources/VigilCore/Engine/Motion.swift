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

        static let none = Sample(lat: 0, lon: 0, second: .min)
    }

    /// The fixes of one second being summed.
    private struct Bucket {
        var second: Int64
        var sumLat = 0.0, sumLon = 0.0, n = 0.0

        var mean: Sample? { n > 0 ? Sample(lat: sumLat / n, lon: sumLon / n, second: second) : nil }
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
            current.sumLat += point.lat
            current.sumLon += point.lon
            current.n += 1
        } else if second == previous.second {
            previous.sumLat += point.lat
            previous.sumLon += point.lon
            previous.n += 1
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

// MARK: State (here, where the private fields are)

extension Motion {
    func encode(to w: inout StateWriter) {
        for bucket in [previous, current] {
            w.put(bucket.second)
            w.put(bucket.sumLat)
            w.put(bucket.sumLon)
            w.put(bucket.n)
        }
        for sample in [ring.0, ring.1, ring.2, ring.3] {
            w.put(sample.lat)
            w.put(sample.lon)
            w.put(sample.second)
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
            return bucket
        }
        func sample(_ r: inout StateReader) throws(StateError) -> Sample {
            Sample(lat: try r.double(), lon: try r.double(), second: try r.int64())
        }
        self.init()
        previous = try bucket(&r)
        current = try bucket(&r)
        ring = (try sample(&r), try sample(&r), try sample(&r), try sample(&r))
        pushed = try r.int()
        velocity = try r.optional { r throws(StateError) in (east: try r.double(), north: try r.double()) }
    }
}
