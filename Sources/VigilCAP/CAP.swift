/// OASIS Common Alerting Protocol 1.2 messages written from Vigil alert messages.
public enum CAP {
    /// The CAP 1.2 XML namespace.
    public static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"
}
