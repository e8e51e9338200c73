#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The statistics of detection trials: the exact (Clopper-Pearson) confidence bound of a
/// probability of detection, and percentiles.
///
/// **The bound.** With `k` detections in `n` independent trials, the one-sided lower confidence
/// bound at confidence `c` is the `p` for which seeing `k` or more detections has probability
/// `1 − c`: `P(X ≥ k | n, p) = 1 − c`. The binomial tail is a regularized incomplete beta
/// function, `P(X ≥ k | n, p) = I_p(k, n − k + 1)`, so the bound is the `1 − c` quantile of
/// `Beta(k, n − k + 1)`, found here by bisection on `I_p` (which grows with `p`); it is 0 when
/// `k = 0`. For `k = n` it is `(1 − c)^(1/n)`: no miss in 300 trials gives 0.99006 at 95 %.
///
/// One-sided is the figure a buyer's "at least 0.90 at 95 % confidence" asks for (49 of 50 gives
/// 0.9086, 98 of 100 gives 0.9384). The lower end of the *two-sided* 95 % interval is the
/// one-sided bound at 97.5 % (49 of 50: 0.8935).
public enum TrialStatistics {
    /// The one-sided lower confidence bound (Clopper-Pearson) on the probability of success, for
    /// `successes` of `trials` at `confidence` (0.95 for 95 %).
    public static func clopperPearsonLower(successes: Int, trials: Int, confidence: Double = 0.95) -> Double {
        precondition(trials >= 0 && (0...trials).contains(successes), "successes must be within 0...trials")
        precondition(confidence > 0 && confidence < 1, "confidence must be between 0 and 1")
        guard trials > 0, successes > 0 else { return 0 }
        let alpha = 1 - confidence
        if successes == trials { return pow(alpha, 1 / Double(trials)) }
        let a = Double(successes), b = Double(trials - successes + 1)
        var low = 0.0, high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if regularizedIncompleteBeta(middle, a: a, b: b) < alpha { low = middle } else { high = middle }
        }
        return low
    }

    /// The one-sided upper confidence bound (Clopper-Pearson), for `successes` of `trials`: the
    /// lower bound of the failures, from 1.
    public static func clopperPearsonUpper(successes: Int, trials: Int, confidence: Double = 0.95) -> Double {
        1 - clopperPearsonLower(successes: trials - successes, trials: trials, confidence: confidence)
    }

    /// `P(X ≥ k)` for `X ~ Binomial(n, p)`, summed term by term (for checking; exact to rounding
    /// for the small `n` of tests).
    public static func binomialTail(atLeast k: Int, trials n: Int, p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        var total = 0.0
        for i in k...n {
            let logTerm = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
                + (i > 0 ? Double(i) * log(p) : 0) + (n - i > 0 ? Double(n - i) * log1p(-p) : 0)
            total += exp(logTerm)
        }
        return min(total, 1)
    }

    /// The regularized incomplete beta function `I_x(a, b)` for `a, b > 0`, `x` in `0...1`:
    /// the continued fraction of Numerical Recipes (§6.4, modified Lentz), on whichever of
    /// `x` and `1 − x` converges fast.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "a and b must be positive")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a: a, b: b) / a }
        return 1 - front * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        func guarded(_ value: Double) -> Double { abs(value) < tiny ? tiny : value }
        var c = 1.0
        var d = 1 / guarded(1 - qab * x / qap)
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 / guarded(1 + aa * d)
            c = guarded(1 + aa / c)
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 / guarded(1 + aa * d)
            c = guarded(1 + aa / c)
            let step = d * c
            h *= step
            if abs(step - 1) < epsilon { break }
        }
        return h
    }

    /// The nearest-rank percentile `p` (0...1) of `values` (any order), as ``KindScore`` takes it;
    /// `nil` when empty.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        KindScore.percentile(values.sorted(), p)
    }
}
