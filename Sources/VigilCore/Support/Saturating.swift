/// Arithmetic that cannot trap, for numbers that come from the wire.
///
/// A peer chooses `seq` (any unsigned 64-bit integer), `ts` and the counts it sends; Swift traps on
/// overflow, and one trap stops the daemon for every camera of the border. Where a sum, a
/// difference or a product involves such a number and a bound is a correct answer (a counter that
/// stops at its maximum, a plausibility limit), the engine uses these instead of `+`, `-` and `*`.
/// Where a bound is not a correct answer, the value is rejected before it meets arithmetic.
extension FixedWidthInteger {
    /// `self + other`, or the type's bound in the direction of the overflow.
    @inlinable
    public func addingSaturating(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other < 0 ? .min : .max
    }

    /// `self - other`, or the type's bound in the direction of the overflow.
    @inlinable
    public func subtractingSaturating(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, or the type's bound in the direction of the overflow.
    @inlinable
    public func multipliedSaturating(by other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) != (other < 0) ? .min : .max
    }
}

extension Comparable {
    /// `self`, or the nearer end of `range` when it lies outside.
    @inlinable
    public func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
