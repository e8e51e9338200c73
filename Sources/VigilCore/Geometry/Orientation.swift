/// Exact orientation predicates on coordinates in degrees (x = longitude, y = latitude).
///
/// `sign(a, b, c)` is the exact sign of the cross product `(b − a) × (c − a)`: positive when `c`
/// is left of the directed line `a → b`, negative when right, zero when the three points are
/// collinear. A floating-point filter (Shewchuk's `orient2d` stage A bound) answers almost every
/// call; the rare calls it cannot decide are settled with exact expansion arithmetic (every
/// product split exactly into two doubles with a fused multiply-add, then an exact sum). The
/// answer is exact for any finite coordinates whose products do not underflow, which holds for
/// every coordinate that is 0 or at least 1e-100 in magnitude (a nanometre is 1e-14 degrees).
///
/// Because a local tangent plane (``LocalPlane``) is a positive scaling of each axis, the sign of
/// an orientation is the same in degrees as in metres: the predicates decide sides and crossings
/// in degrees, with no projection and no rounding.
///
/// Symbolic perturbation: `perturbedSign` and `perturbedSideOfSegment` treat points as moved by an
/// infinitesimal `(ε, ε²)` (east, then north), which makes every degenerate case (a point on a
/// line, a segment through a vertex) definite and consistent with the half-open ray-casting rule
/// of ``Polygon/contains(_:)``. `docs/geometry.md` derives the rules.
enum Orientation {
    /// Shewchuk's `ccwerrboundA`: `(3 + 16ε)ε` with `ε = 2⁻⁵³`.
    static let errorBound = (3.0 + 16.0 * 0x1p-53) * 0x1p-53

    /// The exact sign (−1, 0 or 1) of `(b − a) × (c − a)`.
    @inline(__always)
    static func sign(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
        let detLeft = (ax - cx) * (by - cy)
        let detRight = (ay - cy) * (bx - cx)
        let det = detLeft - detRight
        let detSum: Double
        if detLeft > 0 {
            if detRight <= 0 { return det > 0 ? 1 : (det < 0 ? -1 : 0) }
            detSum = detLeft + detRight
        } else if detLeft < 0 {
            if detRight >= 0 { return det > 0 ? 1 : (det < 0 ? -1 : 0) }
            detSum = -detLeft - detRight
        } else {
            return det > 0 ? 1 : (det < 0 ? -1 : 0)
        }
        let bound = errorBound * detSum
        if det >= bound || -det >= bound { return det > 0 ? 1 : -1 }
        return exactSign(ax, ay, bx, by, cx, cy)
    }

    /// `(a − c) × (b − c)` rounded (`orient(a, b, c)`, whose sign is that of ``sign(_:_:_:_:_:_:)``
    /// for `a, b, c` in any cyclic order), and its clearance: positive exactly when the filter of
    /// ``sign(_:_:_:_:_:_:)`` proves the rounded value's sign right (then it is not zero either).
    /// Without branches, for loops that decide many orientations and settle the rare doubtful
    /// ones otherwise.
    @inline(__always)
    static func filtered(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> (value: Double, clearance: Double) {
        let detLeft = (ax - cx) * (by - cy)
        let detRight = (ay - cy) * (bx - cx)
        let det = detLeft - detRight
        // Stage A's bound on the error of `det`, for products of either sign (where their signs
        // differ there is no cancellation and the sign is right anyway). `x − y > 0` exactly
        // when `x > y` in IEEE arithmetic.
        return (det, abs(det) - errorBound * (abs(detLeft) + abs(detRight)))
    }

    /// The sign of `(b − a) × (c − a)` computed exactly: the six products of
    /// `bx·cy − bx·ay − ax·cy − by·cx + by·ax + ay·cx`, each split into two doubles, summed into
    /// a non-overlapping expansion whose largest component gives the sign.
    @inline(never)
    static func exactSign(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { expansion in
            var count = 0
            func add(_ value: Double) {
                guard value != 0 else { return }
                var q = value
                var kept = 0
                for i in 0..<count {
                    let (sum, error) = twoSum(q, expansion[i])
                    if error != 0 {
                        expansion[kept] = error
                        kept += 1
                    }
                    q = sum
                }
                if q != 0 {
                    expansion[kept] = q
                    kept += 1
                }
                count = kept
            }
            func addProduct(_ x: Double, _ y: Double, negated: Bool) {
                let product = x * y
                let error = fusedError(x, y, product)
                add(negated ? -product : product)
                add(negated ? -error : error)
            }
            addProduct(bx, cy, negated: false)
            addProduct(bx, ay, negated: true)
            addProduct(ax, cy, negated: true)
            addProduct(by, cx, negated: true)
            addProduct(by, ax, negated: false)
            addProduct(ay, cx, negated: false)
            guard count > 0 else { return 0 }
            return expansion[count - 1] > 0 ? 1 : -1
        }
    }

    /// The rounding error of `x · y` (exact when the product does not underflow).
    @inline(__always)
    static func fusedError(_ x: Double, _ y: Double, _ product: Double) -> Double {
        (-product).addingProduct(x, y)
    }

    /// Knuth's two-sum: `a + b == sum + error` exactly.
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
        let sum = a + b
        let bVirtual = sum - a
        let aVirtual = sum - bVirtual
        return (sum, (a - aVirtual) + (b - bVirtual))
    }

    /// The sign of `(b − a) × (c' − a)` where `c' = c + (ε, ε²)`: never 0 unless `a == b`.
    ///
    /// Expanding, `(b − a) × (c' − a) = (b − a) × (c − a) + ε·(a.y − b.y) + ε²·(b.x − a.x)`: the
    /// first non-zero term decides.
    @inline(__always)
    static func perturbedSign(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
        let s = sign(ax, ay, bx, by, cx, cy)
        if s != 0 { return s }
        if ay != by { return ay > by ? 1 : -1 }
        if bx != ax { return bx > ax ? 1 : -1 }
        return 0
    }

    /// Whether the segment `r → q` crosses the edge `a → b` when both `r` and `q` are moved by the
    /// same infinitesimal `(ε, ε²)` (equivalently, the edge by `−(ε, ε²)`). After that move no
    /// endpoint lies on a line of the other segment (unless `r == q` or `a == b`, which never
    /// cross), so the answer is a proper crossing or none: summed over the edges of a polygon, it
    /// changes parity exactly when the half-open ray-casting rule says `r` and `q` differ.
    @inline(__always)
    static func perturbedSegmentsCross(
        _ rx: Double, _ ry: Double, _ qx: Double, _ qy: Double,
        _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double
    ) -> Bool {
        // Sides of a and b (moved by −(ε, ε²)) relative to r → q:
        // (q − r) × (a − d − r) = (q − r) × (a − r) + ε·(q.y − r.y) + ε²·(r.x − q.x).
        var sa = sign(rx, ry, qx, qy, ax, ay)
        var sb = sign(rx, ry, qx, qy, bx, by)
        if sa == 0 || sb == 0 {
            let tie = qy != ry ? (qy > ry ? 1 : -1) : (rx != qx ? (rx > qx ? 1 : -1) : 0)
            if sa == 0 { sa = tie }
            if sb == 0 { sb = tie }
        }
        guard sa != sb else { return false }
        let sr = perturbedSign(ax, ay, bx, by, rx, ry)
        let sq = perturbedSign(ax, ay, bx, by, qx, qy)
        return sr != sq
    }
}
