/// How alert messages become CAP messages: who sends them, who may receive them, the sizes of
/// their areas, and how much `CAPWriter` remembers.
public struct CAPOptions: Sendable, Equatable {
    /// A status forced on every message, for a drill or a test. It can only make a message
    /// *less* actionable: there is no way to force `Actual`, so an exercise never comes out as one.
    public enum Drill: String, Sendable, CaseIterable {
        /// `<status>Exercise</status>`: for designated exercise participants only.
        case exercise
        /// `<status>Test</status>`: technical testing; every recipient disregards it.
        case test

        /// The CAP status.
        public var status: CAP.Status {
            switch self {
            case .exercise: .exercise
            case .test: .test
            }
        }
    }

    /// `<sender>`: globally unique, e.g. `vigil@host.example` (`CAP.isValidToken`).
    public var sender: String
    /// `<senderName>`, for people. Default "Vigil border surveillance".
    public var senderName = "Vigil border surveillance"
    /// The start of every `<identifier>`: `<prefix>-<alert id>-<seq>`. Default `vigil`.
    public var identifierPrefix = "vigil"
    /// Forces `<status>` for a drill; nil (the default): `Exercise` for alerts marked
    /// `exercise`, `Actual` for the others.
    public var drill: Drill?
    /// `<restriction>`: who may receive the messages (`<scope>` is `Restricted`).
    public var restriction = "Border surveillance operators and their chain of command only; not for public release."
    /// The radius of the circle around a target incident's position, km. Default 0.5.
    public var targetRadiusKm = 0.5
    /// The radius of the circle around a camera health incident's position (`camera_offline`,
    /// a `coverage_gap` without a stretch), km: about what a camera sees. Default 4.
    public var cameraRadiusKm = 4.0
    /// A `coverage_gap`'s corridor reaches this far on each side of its stretch (and past each
    /// end), km. Default 1.
    public var corridorHalfWidthKm = 1.0
    /// The most earlier messages an update references: the incident's first message and the
    /// latest others. Default 16.
    public var maxReferences = 16
    /// The most open incidents remembered; past it the one unheard of longest is forgotten (its
    /// next message is then written as a late join). Default 10,000.
    public var maxOpenIncidents = 10_000

    /// Options with the defaults and this sender.
    public init(sender: String) {
        self.sender = sender
    }

    /// `vigil@<host>` for a host name, without the characters a sender cannot hold.
    public static func defaultSender(hostName: String) -> String {
        let host = String(hostName.unicodeScalars.filter { CAP.isValidToken(String($0)) }.map(Character.init))
        return "vigil@" + (host.isEmpty ? "localhost" : host)
    }

    /// What is wrong with these options, or nil when they are usable.
    public var problem: String? {
        if !CAP.isValidToken(sender) { return "the sender \"\(sender)\" must not be empty or hold spaces, commas, < or &" }
        if !CAP.isValidToken(identifierPrefix) { return "the identifier prefix must not be empty or hold spaces, commas, < or &" }
        for (name, value) in [("target radius", targetRadiusKm), ("camera radius", cameraRadiusKm), ("corridor half-width", corridorHalfWidthKm)]
        where !(value > 0 && value <= 1_000) {
            return "the \(name) must be more than 0 and at most 1000 km, got \(value)"
        }
        if maxReferences < 1 { return "at least one reference must be kept" }
        if maxOpenIncidents < 1 { return "at least one open incident must be remembered" }
        return nil
    }
}
