import Testing
import VigilCore

@Suite struct TokenBucketTests {
    @Test func aBurstIsTakenThenTheRateHolds() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 20, nowNs: 0)
        #expect((0..<25).filter { _ in bucket.take(nowNs: 0) }.count == 20)
        // 1 s later: 10 more, not 20.
        #expect((0..<25).filter { _ in bucket.take(nowNs: 1_000_000_000) }.count == 10)
        // A long quiet spell refills to the burst, no further.
        #expect((0..<50).filter { _ in bucket.take(nowNs: 3_600_000_000_000) }.count == 20)
    }

    @Test func rateZeroAllowsEverythingAndTimeGoingBackIsHarmless() {
        var open = TokenBucket(ratePerSecond: 0, burst: 0)
        #expect((0..<1_000).allSatisfy { _ in open.take(nowNs: 5) })
        var bucket = TokenBucket(ratePerSecond: 1, burst: 1, nowNs: .max)
        let first = bucket.take(nowNs: .max)
        let second = bucket.take(nowNs: 0)
        #expect(first)
        #expect(!second, "a clock that steps back gives no tokens")
    }
}
