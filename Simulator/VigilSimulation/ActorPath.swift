import VigilCore

/// Where an actor goes: a crossing of the border, waypoints relative to the border, or plain
/// waypoints. The actor walks the path at constant speed, straight between waypoints.
public enum ActorPath: Sendable {
    /// A straight crossing, perpendicular to the border at a given km.
    case cross(BorderCrossingPath)
    /// Waypoints given relative to the border line.
    case border([BorderWaypoint])
    /// Waypoints in WGS84.
    case waypoints([GeoPoint])
}

/// A straight crossing of the border: from `beforeM` metres on the `from` side to `afterM` metres
/// on the `to` side, along the normal to the line at `km`.
public struct BorderCrossingPath: Sendable, Equatable {
    /// Kilometres along the border from its first (south) vertex.
    public var km: Double
    /// The name of the side it starts on (`SY`).
    public var from: String
    /// The name of the side it ends on (`IQ`).
    public var to: String
    /// Where it starts: metres from the line on the `from` side.
    public var beforeM: Double
    /// Where it ends: metres from the line on the `to` side.
    public var afterM: Double

    /// Creates a crossing.
    public init(km: Double, from: String, to: String, beforeM: Double, afterM: Double) {
        self.km = km
        self.from = from
        self.to = to
        self.beforeM = beforeM
        self.afterM = afterM
    }
}

/// A waypoint `offsetM` metres to one side of the border, perpendicular to it at `km`.
public struct BorderWaypoint: Sendable, Equatable {
    /// Kilometres along the border from its first (south) vertex.
    public var km: Double
    /// The side's name (`SY` or `IQ`).
    public var side: String
    /// Metres from the line.
    public var offsetM: Double

    /// Creates a waypoint.
    public init(km: Double, side: String, offsetM: Double) {
        self.km = km
        self.side = side
        self.offsetM = offsetM
    }
}
