/// Alert messages as vigild writes them (no spaces), for the tests of every module that reads
/// them (VigilWireTests, VigilCAPTests): one copy of each example.
public enum AlertExamples {
    /// The contract's example message (CONTRACT.md section 2), raised.
    public static let contractExample = """
        {"v":1,"seq":1042,"id":"al-7f3a9c21","state":"raised","kind":"border_crossing","severity":"critical",\
        "class":"person","count":3,"sector":"S07","zone":"iq-sy-border","lat":36.79213,"lon":42.08931,\
        "direction":"SY->IQ","cameras":["cam-rabia-03","cam-rabia-04"],"first_ts":1795228381000,\
        "last_ts":1795228387250,"emitted_ts":1795228387253}
        """

    /// A coverage gap with its stretch and its rule (the extension fields), not an exercise.
    public static let coverageGap = """
        {"v":1,"seq":7,"id":"al-gap-1","state":"raised","kind":"coverage_gap","severity":"high","class":"unknown",\
        "count":0,"sector":"S12","zone":"iq-sy-border","lat":36.8325,"lon":42.105,"cameras":["cam-rabia-16"],\
        "first_ts":1795228381000,"last_ts":1795228381000,"emitted_ts":1795228381004,"rule":"gap-border",\
        "stretch":{"border":"iq-sy-border","from_km":556.1,"to_km":559.3,"km":3.2,"from":[36.82,42.09],"to":[36.845,42.12]}}
        """

    /// ``coverageGap`` marked as an exercise: every extension field.
    public static let exerciseCoverageGap = String(coverageGap.dropLast()) + #","exercise":true}"#
}
