import Testing
@testable import VigilCAP
import VigilWire

/// The XML text: one line, the declaration and namespace, escaping, element order.
@Suite struct CAPXMLTests {
    @Test func oneDocumentOnOneLine() throws {
        var writer = CAPWriter(options: Fixtures.options)
        let line = writer.line(for: try AlertMessage.decode(Fixtures.contractExample))
        #expect(line.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>"#))
        #expect(line.hasSuffix("</info></alert>"))
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(line.contains("<sent>2026-11-21T02:33:07-00:00</sent>"))
        #expect(line.contains("<headline>Border crossing SY-&gt;IQ, 3 persons, iq-sy-border S07</headline>"))
        #expect(line.contains("<circle>36.79213,42.08931 0.5</circle>"))
    }

    @Test func elementsComeInTheSchemaOrder() throws {
        var writer = CAPWriter(options: Fixtures.options)
        _ = writer.line(for: Fixtures.alert("al-1", .raised, seq: 1, exercise: true))
        let line = writer.line(for: Fixtures.alert("al-1", .resolved, seq: 2, exercise: true))
        let order = [
            "<identifier>", "<sender>", "<sent>", "<status>", "<msgType>", "<scope>", "<restriction>", "<note>",
            "<references>", "<incidents>", "<info>", "<language>", "<category>", "<event>", "<responseType>",
            "<urgency>", "<severity>", "<certainty>", "<eventCode>", "<onset>", "<senderName>", "<headline>",
            "<description>", "<parameter>", "<area>", "<areaDesc>", "<circle>", "<geocode>",
        ]
        let positions = try order.map { tag in try #require(line.range(of: tag), "\(tag) missing").lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func textIsEscaped() {
        #expect(XMLText.escaped(#"a<b&c"d'e>f"#) == "a&lt;b&amp;c&quot;d&apos;e&gt;f")
        #expect(XMLText.escaped("line 1\nline 2\r\tend") == "line 1&#10;line 2&#13;&#9;end")
        #expect(XMLText.escaped("bell\u{7} nul\u{0} \u{FFFF}") == "bell\u{FFFD} nul\u{FFFD} \u{FFFD}")
        #expect(XMLText.escaped("Rabīʿa ربيعة") == "Rabīʿa ربيعة")
    }

    @Test func aKindAndRuleWithMarkupCharactersAreEscapedEverywhere() {
        var writer = CAPWriter(options: Fixtures.options)
        let line = writer.line(for: Fixtures.alert(kind: #"odd<&"kind"#, rule: "rule <&\"\n2\""))
        #expect(!line.contains(#"odd<&"#))
        #expect(!line.contains("\n"))
        #expect(line.contains("<value>odd&lt;&amp;&quot;kind</value>"))
        #expect(line.contains("<event>Odd&lt;&amp;&quot;kind</event>"))
        #expect(line.contains("<value>rule &lt;&amp;&quot;&#10;2&quot;</value>"))
        // Every `&` starts an entity or character reference.
        let ampersands = line.components(separatedBy: "&").dropFirst()
        #expect(ampersands.allSatisfy { $0.hasPrefix("lt;") || $0.hasPrefix("gt;") || $0.hasPrefix("amp;") || $0.hasPrefix("quot;") || $0.hasPrefix("apos;") || $0.hasPrefix("#") })
    }

    @Test func theDeclarationAndNamespace() {
        #expect(CAPAlert.xmlDeclaration == #"<?xml version="1.0" encoding="UTF-8"?>"#)
        let empty = CAPAlert(
            identifier: "x", sender: "s", sent: CAPDateTime(secondsSince1970: 0), status: .test, msgType: .alert, scope: .public)
        #expect(
            empty.xmlDocument
                == #"<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>s</sender><sent>1970-01-01T00:00:00-00:00</sent><status>Test</status><msgType>Alert</msgType><scope>Public</scope></alert>"#)
    }
}
