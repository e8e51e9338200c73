import Foundation
import Testing
import VigilJournal

/// The reader's page over every value a catch-up request can carry (issue 12): `after` up to
/// UInt64.max and limits below 1 or far above any page.
@Suite struct JournalReaderHostileNumbersTests {
    /// A journal holding seq 1...5.
    static func journal() throws -> String {
        let path = AlertJournalTests.temporaryPath()
        try AlertJournal(path: path).append(AlertJournalTests.records(1...5), nowMs: 0)
        return path
    }

    /// Past Int64.max, the bit pattern of `after` was negative and the page started from the
    /// oldest alert: a consumer that said it had everything was sent the journal again.
    @Test(arguments: [UInt64(Int64.max) + 1, UInt64.max - 1, UInt64.max])
    func anAfterBeyondAnySeqGetsAnEmptyPageThatCoversNothingMore(after: UInt64) throws {
        let reader = try JournalReader(path: Self.journal())
        for prefix in ["", "alert."] {
            let page = try reader.page(after: after, limit: 1_000, prefix: prefix)
            #expect(page.records.isEmpty, "after \(after), prefix \(prefix)")
            #expect(page.lastSeq == after && page.latestSeq == 5 && page.oldestSeq == 1 && !page.more)
        }
    }

    @Test func anAfterAtInt64MaxAndAtTheEndStillWork() throws {
        let reader = try JournalReader(path: Self.journal())
        let last = try reader.page(after: UInt64(Int64.max), limit: 10)
        #expect(last.records.isEmpty && last.lastSeq == UInt64(Int64.max) && !last.more)
        let all = try reader.page(after: 0, limit: 10)
        #expect(all.records.map(\.seq) == [1, 2, 3, 4, 5] && all.lastSeq == 5 && !all.more)
    }

    /// A limit of 0 or less read no row (SQLite: `LIMIT 0`), and the page then claimed, as for
    /// retention, to cover everything up to the newest seq: alerts 1...5 were skipped for good.
    /// With a prefix, a negative limit never stopped the page.
    @Test(arguments: [0, -1, Int.min])
    func aLimitBelowOneIsOne(limit: Int) throws {
        let reader = try JournalReader(path: Self.journal())
        let page = try reader.page(after: 0, limit: limit)
        #expect(page.records.map(\.seq) == [1] && page.lastSeq == 1 && page.more)
        let filtered = try reader.page(after: 0, limit: limit, prefix: "alert.")
        #expect(filtered.records.map(\.seq) == [1] && filtered.lastSeq == 1 && filtered.more)
    }

    @Test func aLimitOfIntMaxReadsWhatThereIs() throws {
        let reader = try JournalReader(path: Self.journal())
        for prefix in ["", "alert."] {
            let page = try reader.page(after: 2, limit: .max, prefix: prefix)
            #expect(page.records.map(\.seq) == [3, 4, 5] && page.lastSeq == 5 && !page.more)
        }
    }
}
