import Testing
import VigilSimulation

/// The progress line of a load run, as a pure function of where the run stands.
struct LoadProgressTests {
    @Test func lineWithACount() {
        let progress = LoadProgress(sent: 420_000, count: 1_000_000, elapsed: 12.1, duration: nil, alerts: 1_204)
        #expect(progress.fraction == 0.42)
        #expect(progress.line(width: 100) == "[########------------]   42%  420,000/1,000,000 msg  12.1 s  34,711 msg/s  1,204 alerts")
    }

    @Test func barShrinksOnANarrowTerminalThenGoes() {
        let progress = LoadProgress(sent: 420_000, count: 1_000_000, elapsed: 12.1, duration: nil, alerts: 1_204)
        #expect(progress.line(width: 79) == "[#####-------]   42%  420,000/1,000,000 msg  12.1 s  34,711 msg/s  1,204 alerts")
        #expect(progress.line(width: 70) == "42%  420,000/1,000,000 msg  12.1 s  34,711 msg/s  1,204 alerts")
        #expect(progress.line(width: 30) == "42%  420,000/1,000,000 msg  12")
        #expect(progress.line(width: 0).isEmpty)
    }

    @Test func lineWithADuration() {
        let progress = LoadProgress(sent: 50_000, count: nil, elapsed: 5, duration: 20, alerts: 0)
        #expect(progress.line() == "[#####---------------]   25%  50,000 msg  5.0/20.0 s  10,000 msg/s  0 alerts")
    }

    @Test func whicheverLimitComesFirstSetsTheFraction() {
        #expect(LoadProgress(sent: 50_000, count: 100_000, elapsed: 15, duration: 20, alerts: 0).fraction == 0.75)
        #expect(LoadProgress(sent: 90_000, count: 100_000, elapsed: 2, duration: 20, alerts: 0).fraction == 0.9)
        let done = LoadProgress(sent: 100_001, count: 100_000, elapsed: 3, duration: nil, alerts: 7)
        #expect(done.fraction == 1)
        #expect(done.line(width: 100).hasPrefix("[####################]  100%  100,001/100,000 msg"))
    }

    @Test func startOfTheRun() {
        let progress = LoadProgress(sent: 0, count: 10, elapsed: 0, duration: nil, alerts: 0)
        #expect(progress.rate == 0)
        #expect(progress.line() == "[--------------------]    0%  0/10 msg  0.0 s  0 msg/s  0 alerts")
    }

    @Test func numbersAreGroupedInThousands() {
        #expect(LoadProgress.grouped(0) == "0")
        #expect(LoadProgress.grouped(999) == "999")
        #expect(LoadProgress.grouped(1_000) == "1,000")
        #expect(LoadProgress.grouped(1_234_567) == "1,234,567")
        #expect(LoadProgress.grouped(-12_345) == "-12,345")
    }
}
