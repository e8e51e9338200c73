/// Why the rules did or did not alert for a target: the slow, readable twin of ``RuleBook/evaluate(_:incidents:tracker:)``
/// for `vigil rules test`. It reads the engine's state and changes nothing.
public struct RuleExplanation: Sendable, Equatable {
    /// How one rule fared.
    public struct Outcome: Sendable, Equatable {
        /// The rule's name.
        public var rule: String
        /// Whether every matcher matched.
        public var matched: Bool
        /// What matched, or the first matcher that did not and why.
        public var reason: String
    }

    /// Event time of the target's latest detection.
    public var ts: Int64
    /// What the target is: class, best confidence, group size, cameras.
    public var target: String
    /// What is true of it that rules can match (`cross iq-sy-border SY->IQ`, `dwell iq-sy-strip 12.0 s`).
    public var facts: [String]
    /// Each rule in order.
    public var outcomes: [Outcome]
    /// The decision: the rule that alerts, the rule that suppresses, or none.
    public var verdict: String

    /// The explanation as lines for a terminal.
    public var lines: [String] {
        ["target: \(target)", "facts: \(facts.isEmpty ? "none" : facts.joined(separator: "; "))"]
            + outcomes.map { "  \($0.matched ? "+" : "-") \($0.rule): \($0.reason)" } + ["verdict: \(verdict)"]
    }
}
