import VigilWire

/// One CAP 1.2 `<alert>` message: the elements Vigil writes, in the standard's order
/// (`xmlDocument` writes them). Optional elements Vigil never uses (`source`, `addresses`,
/// `code`, `audience`, `effective`, `expires`, `web`, `contact`, `resource`, `altitude`,
/// `ceiling`) are left out of the model.
public struct CAPAlert: Sendable, Equatable {
    /// `<identifier>`: unique for the sender; no spaces, commas, `<` or `&`.
    public var identifier: String
    /// `<sender>`: globally unique originator, e.g. `vigil@host.example`.
    public var sender: String
    /// `<sent>`: when the message was made.
    public var sent: CAPDateTime
    /// `<status>`.
    public var status: CAP.Status
    /// `<msgType>`.
    public var msgType: CAP.MessageType
    /// `<scope>`.
    public var scope: CAP.Scope
    /// `<restriction>`: who may receive a `Restricted` message.
    public var restriction: String?
    /// `<note>`: explanation, e.g. what the exercise is.
    public var note: String?
    /// `<references>`: the earlier messages this one updates.
    public var references: [Reference]
    /// `<incidents>`: the incidents the message is about, to collate messages by incident.
    public var incidents: [String]
    /// `<info>` blocks.
    public var info: [Info]

    /// Creates a message.
    public init(
        identifier: String, sender: String, sent: CAPDateTime, status: CAP.Status, msgType: CAP.MessageType,
        scope: CAP.Scope, restriction: String? = nil, note: String? = nil, references: [Reference] = [],
        incidents: [String] = [], info: [Info] = []
    ) {
        self.identifier = identifier
        self.sender = sender
        self.sent = sent
        self.status = status
        self.msgType = msgType
        self.scope = scope
        self.restriction = restriction
        self.note = note
        self.references = references
        self.incidents = incidents
        self.info = info
    }

    /// This message as other messages reference it.
    public var reference: Reference { Reference(sender: sender, identifier: identifier, sent: sent) }

    /// An earlier message, named as `<references>` names it: `sender,identifier,sent`.
    public struct Reference: Sendable, Equatable {
        /// Its `<sender>`.
        public var sender: String
        /// Its `<identifier>`.
        public var identifier: String
        /// Its `<sent>`.
        public var sent: CAPDateTime

        /// A reference.
        public init(sender: String, identifier: String, sent: CAPDateTime) {
            self.sender = sender
            self.identifier = identifier
            self.sent = sent
        }

        /// `sender,identifier,sent`, the form `<references>` lists (separated by spaces).
        public var text: String { "\(sender),\(identifier),\(sent)" }
    }

    /// A `valueName`/`value` pair (`<eventCode>`, `<parameter>`, `<geocode>`).
    public struct NamedValue: Sendable, Equatable {
        /// The domain of the value, e.g. `vigil:kind`.
        public var valueName: String
        /// The value.
        public var value: String

        /// A pair.
        public init(_ valueName: String, _ value: String) {
            self.valueName = valueName
            self.value = value
        }
    }

    /// An `<info>` block: the event, what to do, and where.
    public struct Info: Sendable, Equatable {
        /// `<language>`, RFC 3066.
        public var language = "en-US"
        /// `<category>` (at least one).
        public var categories: [CAP.Category]
        /// `<event>`: the subject event, as text.
        public var event: String
        /// `<responseType>`s.
        public var responseTypes: [CAP.ResponseType]
        /// `<urgency>`.
        public var urgency: CAP.Urgency
        /// `<severity>`.
        public var severity: CAP.Severity
        /// `<certainty>`.
        public var certainty: CAP.Certainty
        /// `<eventCode>`s: system-specific codes for the event type.
        public var eventCodes: [NamedValue] = []
        /// `<onset>`: when the subject event began.
        public var onset: CAPDateTime?
        /// `<senderName>`: the sender, for people.
        public var senderName: String?
        /// `<headline>`: short, under 160 characters.
        public var headline: String?
        /// `<description>`.
        public var description: String?
        /// `<parameter>`s: system-specific values.
        public var parameters: [NamedValue] = []
        /// `<area>`s.
        public var areas: [Area] = []

        /// An info block with the required elements.
        public init(
            categories: [CAP.Category], event: String, responseTypes: [CAP.ResponseType] = [], urgency: CAP.Urgency,
            severity: CAP.Severity, certainty: CAP.Certainty
        ) {
            self.categories = categories
            self.event = event
            self.responseTypes = responseTypes
            self.urgency = urgency
            self.severity = severity
            self.certainty = certainty
        }
    }

    /// An `<area>`: a description and shapes.
    public struct Area: Sendable, Equatable {
        /// `<areaDesc>`.
        public var areaDesc: String
        /// `<polygon>`s: closed rings (first point = last), at least 4 points each.
        public var polygons: [[GeoPoint]]
        /// `<circle>`s.
        public var circles: [Circle]
        /// `<geocode>`s.
        public var geocodes: [NamedValue]

        /// An area.
        public init(areaDesc: String, polygons: [[GeoPoint]] = [], circles: [Circle] = [], geocodes: [NamedValue] = []) {
            self.areaDesc = areaDesc
            self.polygons = polygons
            self.circles = circles
            self.geocodes = geocodes
        }
    }

    /// A `<circle>`: a centre and a radius in kilometres.
    public struct Circle: Sendable, Equatable {
        /// The centre.
        public var center: GeoPoint
        /// The radius, km.
        public var radiusKm: Double

        /// A circle.
        public init(center: GeoPoint, radiusKm: Double) {
            self.center = center
            self.radiusKm = radiusKm
        }

        /// `lat,lon radius` (CAP 1.2 data dictionary, `<circle>`).
        public var text: String { "\(center.capPair) \(CAPNumber.text(radiusKm, fractionDigits: 3))" }
    }
}
