/// The size of a zone index (``ZoneSet/indexStatistics``).
public struct ZoneIndexStatistics: Sendable, Equatable {
    /// Cells of the top grid.
    public var cells: Int
    /// Cell side of the top grid, degrees.
    public var cellDegrees: Double
    /// Zone entries over all cells.
    public var entries: Int
    /// Splits: cells and sub-cells divided into a sub-grid.
    public var tests: Int
    /// Sub-cells of split cells.
    public var subcells: Int
    /// Polygon edges stored in leaves (an edge counts once per cell or sub-cell it meets).
    public var edgeReferences: Int
    /// Bytes held by the index's arrays (not counting the zones' own shapes).
    public var bytes: Int
}
