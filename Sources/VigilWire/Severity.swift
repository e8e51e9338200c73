/// Alert severities, lowest to highest. Topics carry the raw value: `alert.<severity>.…`.
public enum Severity: String, Sendable, CaseIterable, Comparable, Hashable {
    /// Lowest.
    case low
    /// Worth a look.
    case medium
    /// Act soon.
    case high
    /// Act now.
    case critical

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    /// Orders by rank: `low < medium < high < critical`.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
