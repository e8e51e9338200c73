extension CAPAlert {
    /// The XML declaration every document starts with.
    public static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8"?>"#

    /// The message as one complete XML document on one line, without a line break at the end:
    /// the XML declaration, then `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">`, elements
    /// in the order of the CAP 1.2 schema. Text is escaped (`XMLText`), so no line break can
    /// appear inside; a consumer reads one message per line.
    public var xmlDocument: String {
        var xml = XMLLine()
        xml.raw(Self.xmlDeclaration)
        xml.raw(#"<alert xmlns="\#(CAP.namespace)">"#)
        xml.element("identifier", identifier)
        xml.element("sender", sender)
        xml.element("sent", sent.description)
        xml.element("status", status.rawValue)
        xml.element("msgType", msgType.rawValue)
        xml.element("scope", scope.rawValue)
        xml.element("restriction", restriction)
        xml.element("note", note)
        if !references.isEmpty { xml.element("references", references.map(\.text).joined(separator: " ")) }
        if !incidents.isEmpty { xml.element("incidents", incidents.joined(separator: " ")) }
        for block in info { block.write(to: &xml) }
        xml.raw("</alert>")
        return xml.text
    }
}

extension CAPAlert.Info {
    fileprivate func write(to xml: inout XMLLine) {
        xml.open("info")
        xml.element("language", language)
        for category in categories { xml.element("category", category.rawValue) }
        xml.element("event", event)
        for response in responseTypes { xml.element("responseType", response.rawValue) }
        xml.element("urgency", urgency.rawValue)
        xml.element("severity", severity.rawValue)
        xml.element("certainty", certainty.rawValue)
        for code in eventCodes { xml.namedValue("eventCode", code) }
        xml.element("onset", onset?.description)
        xml.element("senderName", senderName)
        xml.element("headline", headline)
        xml.element("description", description)
        for parameter in parameters { xml.namedValue("parameter", parameter) }
        for area in areas {
            xml.open("area")
            xml.element("areaDesc", area.areaDesc)
            for ring in area.polygons { xml.element("polygon", ring.map(\.capPair).joined(separator: " ")) }
            for circle in area.circles { xml.element("circle", circle.text) }
            for geocode in area.geocodes { xml.namedValue("geocode", geocode) }
            xml.close("area")
        }
        xml.close("info")
    }
}

/// A one-line XML document being written: elements with escaped text, no indentation.
struct XMLLine {
    private(set) var text = ""

    /// Appends markup as it is.
    mutating func raw(_ markup: String) { text += markup }

    /// Appends `<name>`.
    mutating func open(_ name: String) { text += "<\(name)>" }

    /// Appends `</name>`.
    mutating func close(_ name: String) { text += "</\(name)>" }

    /// Appends `<name>value</name>`, the value escaped; nothing when `value` is nil.
    mutating func element(_ name: String, _ value: String?) {
        guard let value else { return }
        open(name)
        text += XMLText.escaped(value)
        close(name)
    }

    /// Appends `<name><valueName>…</valueName><value>…</value></name>`.
    mutating func namedValue(_ name: String, _ pair: CAPAlert.NamedValue) {
        open(name)
        element("valueName", pair.valueName)
        element("value", pair.value)
        close(name)
    }
}

/// Text as XML 1.0 character data that stays on one line.
enum XMLText {
    /// `value` with the markup characters as entity references (`&amp;` `&lt;` `&gt;` `&quot;`
    /// `&apos;`), tab and line breaks as character references (`&#9;` `&#10;` `&#13;`, so the
    /// text keeps them and the document stays on one line), and the characters XML 1.0 cannot
    /// carry at all (other C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
    static func escaped(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
