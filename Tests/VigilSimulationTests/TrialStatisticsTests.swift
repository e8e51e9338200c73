import Foundation
import Testing
import VigilSimulation

/// The exact (Clopper-Pearson) lower confidence bound of a probability of detection, against
/// values from the literature and scipy (`scipy.stats.beta.ppf(1 - c, k, n - k + 1)`).
@Suite struct TrialStatisticsTests {
    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 5e-6) -> Bool { abs(a - b) <= tolerance }

    @Test func noMissInThreeHundredTrialsBoundsPdAt0_99006() {
        let bound = TrialStatistics.clopperPearsonLower(successes: 300, trials: 300, confidence: 0.95)
        #expect(close(bound, 0.990_063_918), "0.05^(1/300)")
        #expect(bound >= 0.99, "the goal: 0 misses in 300 trials is Pd ≥ 0.99 at 95 %")
        #expect(TrialStatistics.clopperPearsonLower(successes: 298, trials: 299) < 0.99, "one miss needs more trials")
    }

    @Test func theFacilitySpecificationsBar() {
        // 49 of 50 and 98 of 100 pass "more than 0.90 at 95 % confidence" one-sided.
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 49, trials: 50), 0.908_601_869))
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 98, trials: 100), 0.938_380_800))
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 48, trials: 50), 0.879_385_845))
        // The lower end of the two-sided 95 % interval is the one-sided bound at 97.5 %.
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 49, trials: 50, confidence: 0.975), 0.893_530_454))
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 300, trials: 300, confidence: 0.975), 0.987_779_025))
    }

    @Test func smallAndEdgeCases() {
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 40, trials: 40), 0.927_842_475))
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 5, trials: 10), 0.222_441_101))
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 1, trials: 10), 0.005_116_197))
        #expect(TrialStatistics.clopperPearsonLower(successes: 0, trials: 10) == 0)
        #expect(TrialStatistics.clopperPearsonLower(successes: 0, trials: 0) == 0)
        #expect(close(TrialStatistics.clopperPearsonLower(successes: 1, trials: 1), 0.05))
        #expect(close(TrialStatistics.clopperPearsonUpper(successes: 0, trials: 300), 1 - 0.990_063_918))
    }

    @Test func theBoundIsWhereSeeingThatManyDetectionsHasProbabilityAlpha() {
        for (k, n) in [(1, 5), (3, 7), (9, 10), (17, 20), (45, 60), (119, 120)] {
            for confidence in [0.9, 0.95, 0.99] {
                let p = TrialStatistics.clopperPearsonLower(successes: k, trials: n, confidence: confidence)
                let tail = TrialStatistics.binomialTail(atLeast: k, trials: n, p: p)
                #expect(close(tail, 1 - confidence, 1e-9), "P(X ≥ \(k) | n = \(n), p = \(p)) = \(tail)")
            }
        }
    }

    @Test func theRegularizedIncompleteBeta() {
        #expect(close(TrialStatistics.regularizedIncompleteBeta(0.5, a: 2, b: 3), 0.6875, 1e-12))
        #expect(close(TrialStatistics.regularizedIncompleteBeta(0.3, a: 1, b: 1), 0.3, 1e-12))
        #expect(close(TrialStatistics.regularizedIncompleteBeta(0.9, a: 300, b: 1), pow(0.9, 300), 1e-15))
        for (x, a, b) in [(0.2, 3.0, 7.0), (0.95, 49.0, 2.0), (0.7, 0.5, 2.5)] {
            let sum = TrialStatistics.regularizedIncompleteBeta(x, a: a, b: b) + TrialStatistics.regularizedIncompleteBeta(1 - x, a: b, b: a)
            #expect(close(sum, 1, 1e-12), "I_x(a, b) + I_(1-x)(b, a) = 1")
        }
        #expect(TrialStatistics.regularizedIncompleteBeta(0, a: 2, b: 2) == 0)
        #expect(TrialStatistics.regularizedIncompleteBeta(1, a: 2, b: 2) == 1)
    }

    @Test func percentilesByNearestRank() {
        #expect(TrialStatistics.percentile([5, 1, 3], 0.5) == 3)
        #expect(TrialStatistics.percentile(Array(stride(from: 1.0, through: 100, by: 1)).reversed(), 0.99) == 99)
        #expect(TrialStatistics.percentile([], 0.5) == nil)
    }
}
