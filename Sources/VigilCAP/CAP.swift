import VigilWire

/// OASIS Common Alerting Protocol (CAP) 1.2 messages written from Vigil alert messages.
///
/// `AlertMessage.decode` (VigilWire) reads an alert message as vigild publishes it (CONTRACT.md section 2),
/// `CAPWriter` turns a stream of them into `CAPAlert` messages (remembering each open incident's
/// earlier messages for `<references>`), and `CAPAlert.xmlDocument` writes one as a single line
/// of XML. The code values below are those of the CAP 1.2 data dictionary (OASIS Standard,
/// 1 July 2010, section 3.2).
public enum CAP {
    /// The CAP 1.2 XML namespace.
    public static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"

    /// Whether `text` may be (part of) an `<identifier>` or a `<sender>`: not empty, and without
    /// what the data dictionary forbids there (spaces, commas, the restricted characters `<` and
    /// `&`), nor any other white space or control character.
    public static func isValidToken(_ text: some StringProtocol) -> Bool {
        AlertMessage.isToken(text)
    }

    /// `<status>`: how the message is to be handled.
    public enum Status: String, Sendable, CaseIterable {
        /// Actionable by all targeted recipients.
        case actual = "Actual"
        /// Actionable only by designated exercise participants; the exercise is named in `<note>`.
        case exercise = "Exercise"
        /// Supports the alert network's internal functions.
        case system = "System"
        /// Technical testing only; all recipients disregard it.
        case test = "Test"
        /// A preliminary template or draft, not actionable as it is.
        case draft = "Draft"
    }

    /// `<msgType>`: what the message is.
    public enum MessageType: String, Sendable, CaseIterable {
        /// Initial information requiring attention by the targeted recipients.
        case alert = "Alert"
        /// Updates and supersedes the messages named in `<references>`.
        case update = "Update"
        /// Cancels the messages named in `<references>` (for messages sent in error).
        case cancel = "Cancel"
        /// Acknowledges the messages named in `<references>`.
        case ack = "Ack"
        /// Rejects the messages named in `<references>`.
        case error = "Error"
    }

    /// `<scope>`: who the message is for.
    public enum Scope: String, Sendable, CaseIterable {
        /// Unrestricted dissemination.
        case `public` = "Public"
        /// Users with a need to know, described in `<restriction>`.
        case restricted = "Restricted"
        /// The addresses listed in `<addresses>`.
        case `private` = "Private"
    }

    /// `<category>`: the kind of the subject event.
    public enum Category: String, Sendable, CaseIterable {
        /// Geophysical.
        case geo = "Geo"
        /// Meteorological.
        case met = "Met"
        /// General emergency and public safety.
        case safety = "Safety"
        /// Law enforcement, military, homeland and local or private security.
        case security = "Security"
        /// Rescue and recovery.
        case rescue = "Rescue"
        /// Fire suppression and rescue.
        case fire = "Fire"
        /// Medical and public health.
        case health = "Health"
        /// Pollution and other environmental.
        case env = "Env"
        /// Public and private transportation.
        case transport = "Transport"
        /// Utility, telecommunication, other non-transport infrastructure.
        case infra = "Infra"
        /// Chemical, biological, radiological, nuclear or high-yield explosive threat or attack.
        case cbrne = "CBRNE"
        /// Other events.
        case other = "Other"
    }

    /// `<responseType>`: the action recommended to the audience.
    public enum ResponseType: String, Sendable, CaseIterable {
        /// Take shelter in place.
        case shelter = "Shelter"
        /// Relocate.
        case evacuate = "Evacuate"
        /// Make preparations.
        case prepare = "Prepare"
        /// Execute a pre-planned activity.
        case execute = "Execute"
        /// Avoid the subject event.
        case avoid = "Avoid"
        /// Attend to information sources.
        case monitor = "Monitor"
        /// Evaluate the information in this message.
        case assess = "Assess"
        /// The subject event no longer poses a threat or concern.
        case allClear = "AllClear"
        /// No action recommended.
        case none = "None"
    }

    /// `<urgency>`: how soon to act.
    public enum Urgency: String, Sendable, CaseIterable {
        /// Responsive action should be taken immediately.
        case immediate = "Immediate"
        /// Within the next hour.
        case expected = "Expected"
        /// In the near future.
        case future = "Future"
        /// Responsive action is no longer required.
        case past = "Past"
        /// Not known.
        case unknown = "Unknown"
    }

    /// `<severity>`: how bad.
    public enum Severity: String, Sendable, CaseIterable {
        /// Extraordinary threat to life or property.
        case extreme = "Extreme"
        /// Significant threat to life or property.
        case severe = "Severe"
        /// Possible threat to life or property.
        case moderate = "Moderate"
        /// Minimal to no known threat to life or property.
        case minor = "Minor"
        /// Not known.
        case unknown = "Unknown"
    }

    /// `<certainty>`: how sure.
    public enum Certainty: String, Sendable, CaseIterable {
        /// Determined to have occurred or to be ongoing.
        case observed = "Observed"
        /// Likely (p > ~50%).
        case likely = "Likely"
        /// Possible but not likely (p <= ~50%).
        case possible = "Possible"
        /// Not expected to occur (p ~ 0).
        case unlikely = "Unlikely"
        /// Not known.
        case unknown = "Unknown"
    }
}
