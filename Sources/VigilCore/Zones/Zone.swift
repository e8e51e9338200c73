/// What a zone is for. Kinds decide what the rules can say about a zone, and a zone's default
/// priority (see ``ZoneKind/defaultPriority``).
public enum ZoneKind: String, Sendable, CaseIterable, Hashable {
    /// A border line with two named sides; crossing it is an event.
    case border
    /// The strip along a border (a band around the line).
    case strip
    /// A buffer on one side of a border.
    case buffer
    /// A restricted area.
    case restricted
    /// A town: where people are expected.
    case town
    /// A known heat source: detections inside are dropped before anything else, and counted.
    case mask

    /// The priority of a zone of this kind when its feature names none: when zones overlap, an
    /// alert names the zone of highest priority (ties: the zone listed first).
    public var defaultPriority: Int {
        switch self {
        case .border: 100
        case .mask: 90
        case .restricted: 80
        case .strip: 60
        case .buffer: 40
        case .town: 20
        }
    }
}

/// One zone: an area (or a line) with an id, a kind and a priority.
public struct Zone: Sendable {
    /// The zone id, an ``Identifier``; alerts name it.
    public var id: String
    /// A human name.
    public var name: String
    /// What the zone is for.
    public var kind: ZoneKind
    /// Higher wins when zones overlap.
    public var priority: Int
    /// The geometry.
    public var shape: ZoneShape
    /// Consecutive frames inside before a target counts as inside (Frigate's `inertia`); `nil`
    /// uses the engine's default (``EngineSettings/zoneInertiaFrames``).
    public var inertiaFrames: Int?
    /// Seconds inside after which a target is loitering (a `dwell` event for rules with no
    /// `after_s` of their own); `nil`: never.
    public var loiteringSeconds: Double?

    /// Creates a zone.
    public init(
        id: String, name: String, kind: ZoneKind, priority: Int? = nil, shape: ZoneShape,
        inertiaFrames: Int? = nil, loiteringSeconds: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.priority = priority ?? kind.defaultPriority
        self.shape = shape
        self.inertiaFrames = inertiaFrames
        self.loiteringSeconds = loiteringSeconds
    }
}

/// The names of the two sides of a directed line, for example `SY` on the left and `IQ` on the right.
public struct SideNames: Sendable, Hashable {
    /// The name of the left side, looking along the line.
    public var left: String
    /// The name of the right side.
    public var right: String

    /// Creates side names.
    public init(left: String, right: String) {
        self.left = left
        self.right = right
    }

    /// The name of `side`.
    public func name(of side: LineSide) -> String { side == .left ? left : right }
}

/// A zone's geometry.
public enum ZoneShape: Sendable {
    /// A line that can be crossed (a border), with its sides' names.
    case line(Polyline, SideNames)
    /// Everything within `width` metres of a line, on both sides (`side == nil`) or on one.
    case band(Polyline, width: Double, side: LineSide?)
    /// A polygon with holes, edges straight in longitude/latitude as RFC 7946 says.
    case polygon(Polygon)
    /// A disc of `radius` metres around `center`.
    case circle(center: GeoPoint, radius: Double)
}
