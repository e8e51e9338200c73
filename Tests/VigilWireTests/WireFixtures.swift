import VigilWireFixtures

/// Alert messages for the tests: the contract's example (CONTRACT.md section 2) and a coverage
/// gap with every extension field, from the shared `AlertExamples`.
enum WireFixtures {
    /// The contract's example message, raised, as vigild writes it (no spaces).
    static let contractExample = AlertExamples.contractExample

    /// A coverage gap with its stretch and the other extension fields, as vigild writes it.
    static let coverageGap = AlertExamples.exerciseCoverageGap
}
