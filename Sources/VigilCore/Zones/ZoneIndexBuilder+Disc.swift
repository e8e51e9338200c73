extension ZoneIndexBuilder {
    /// Indexes a disc: cells wholly inside get no test, cells that may hold its edge get the exact
    /// test (cheap: the plane at the centre is computed once), the others nothing.
    mutating func addDisc(zone: Int, _ disc: Disc) {
        discs.append(disc)
        let exact = ZoneIndex.Node(kind: ZoneIndex.Node.disc, payload: discs.count - 1)
        let (c0, c1, r0, r1) = window(disc.box)
        for row in r0...r1 {
            for column in c0...c1 {
                switch disc.classify(grid.box(column, row).grown(by: margin)) {
                case true?: emit(cell: grid.slot(column, row), zone: zone, ZoneIndex.Node(kind: ZoneIndex.Node.inside))
                case false?: continue
                case nil: emit(cell: grid.slot(column, row), zone: zone, exact)
                }
            }
        }
    }
}
