extension ZoneIndexBuilder {
    /// Indexes a disc: cells wholly inside get no test, cells that may hold its edge get the exact
    /// test (cheap: the plane at the centre is computed once), the others nothing.
    mutating func addDisc(zone: Int, _ disc: Disc) {
        discs.append(disc)
        let test = append(ZoneIndex.CellTest(first: UInt32(discs.count - 1), kind: .disc))
        let (c0, c1, r0, r1) = window(disc.box)
        for row in r0...r1 {
            for column in c0...c1 {
                switch disc.classify(grid.box(column, row).grown(by: margin)) {
                case true?: emit(cell: row * grid.columns + column, .inside(zone))
                case false?: continue
                case nil: emit(cell: row * grid.columns + column, .test(zone, test))
                }
            }
        }
    }
}
