/// What a target's move does at the zones: crossings of the border lines, and entries into and
/// exits from zones, each decided from a pair of positions, the way Tile38's `fence.go` decides
/// enter/exit/cross (`detect = f(old, new)`).
///
/// Owns no state: what a target remembers between moves (per border line the side it was last
/// clearly on, and where; per zone its streak of frames inside) is the target's, kept by the
/// ``Tracker``; the zones and the two thresholds are the configuration's.
struct ZoneTransitions {
    /// Where a target was last clearly on one side of a border line.
    typealias SideFix = (side: LineSide, at: GeoPoint)

    let zones: ZoneSet
    /// How clearly (metres from the line) a target must be on the other side to cross.
    let crossingConfirmM: Double
    /// Consecutive frames inside a zone to be in it, and outside to leave it (unless the zone
    /// sets its own).
    let zoneInertiaFrames: Int

    /// The move from `previous` (the target's last clear fix, `nil` before the first) to
    /// `position`, at border line `line`: the fix kept after it, and the sides crossed if it
    /// crossed.
    ///
    /// Crossing with hysteresis: the side is first taken once the target is a third of
    /// `confirmM` from the line (10 m by default), and changes only when it is clearly
    /// (`confirmM`) on the other side and the segment between the two positions crosses the
    /// line. Jitter near the line never makes a crossing; a target first seen close to the line
    /// still crosses; a vehicle that jumps across between two frames does.
    static func crossing(
        of line: Polyline, from previous: SideFix?, to position: GeoPoint, confirmM: Double
    ) -> (fix: SideFix?, crossed: (from: LineSide, to: LineSide)?) {
        guard let proximity = line.proximity(of: position) else { return (previous, nil) }
        guard let previous else { return (proximity.distance >= confirmM / 3 ? (proximity.side, position) : nil, nil) }
        guard proximity.distance >= confirmM else { return (previous, nil) }
        let crossed = previous.side != proximity.side && line.crossing(from: previous.at, to: position) != nil
        return ((proximity.side, position), crossed ? (previous.side, proximity.side) : nil)
    }

    /// Moves `target` to `position` at `ts` through the border lines (its latest crossing) and
    /// the zones (its streaks).
    func apply(to target: inout Target, at position: GeoPoint, ts: Int64) {
        for (border, zoneIndex) in zones.borderIndices.enumerated() {
            guard case .line(let line, _) = zones.zones[zoneIndex].shape else { continue }
            let move = Self.crossing(of: line, from: target.borderSides[border], to: position, confirmM: crossingConfirmM)
            target.borderSides[border] = move.fix
            if let crossed = move.crossed { target.crossing = (border, crossed.from, crossed.to) }
        }
        updateStreaks(&target.zoneStreaks, inside: zones.classify(position), ts: ts)
    }

    /// Zone membership with hysteresis both ways: inside after the zone's inertia of consecutive
    /// frames inside, and outside again only after as many consecutive frames outside, so two
    /// cameras that disagree at a zone's edge do not restart the dwell time.
    private func updateStreaks(_ streaks: inout [Int: (frames: Int, since: Int64, misses: Int)], inside: ZoneMatches, ts: Int64) {
        for (zone, streak) in streaks where !inside.contains(zone) {
            let misses = streak.misses + 1
            streaks[zone] = misses >= (zones.zones[zone].inertiaFrames ?? zoneInertiaFrames) ? nil : (streak.frames, streak.since, misses)
        }
        for zone in inside {
            if let streak = streaks[zone] {
                streaks[zone] = (streak.frames + 1, streak.since, 0)
            } else {
                streaks[zone] = (1, ts, 0)
            }
        }
    }

    /// `SY->IQ`: a crossing's sides by the names of the border zone `zone`.
    func directionName(_ crossing: AlertEngine.Crossing, zone: Int) -> String? {
        guard case .line(_, let names) = zones.zones[zone].shape else { return nil }
        return "\(names.name(of: crossing.from))->\(names.name(of: crossing.to))"
    }
}

extension AlertEngine {
    /// The sides of a crossing.
    struct Crossing: Equatable {
        var from: LineSide
        var to: LineSide
    }
}
