import Foundation
import Testing
import VigilSimulation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The SVG plot of a load run's latency: well-formed XML, axes with their labels, a curve that
/// never goes down.
struct LatencyPlotTests {
    /// What an SVG document holds, read back with Foundation's XML parser.
    final class Document: NSObject, XMLParserDelegate {
        var root: String?
        var elements: [String: Int] = [:]
        var texts: [String] = []
        var paths: [String] = []
        private var text: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if root == nil { root = name }
            elements[name, default: 0] += 1
            if name == "path", let d = attributes["d"] { paths.append(d) }
            if name == "text" || name == "title" { text = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text? += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if (name == "text" || name == "title"), let text { texts.append(text) }
            text = nil
        }
    }

    private func parse(_ svg: String) throws -> Document {
        let parser = XMLParser(data: Data(svg.utf8))
        let document = Document()
        parser.delegate = document
        let parsed = parser.parse()
        #expect(parsed, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")")
        return document
    }

    /// The points of a path `M x y L x y ...`.
    private func points(of d: String) -> [(x: Double, y: Double)] {
        let numbers = d.split(whereSeparator: { $0 == " " || $0 == "M" || $0 == "L" }).compactMap { Double($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
    }

    private static let curve = [(0.0, 0.9), (50, 1.9), (75, 2.4), (90, 3.1), (99, 6.3), (99.9, 7.1), (99.99, 7.1), (100, 12.0)].map {
        LatencyPlot.Point(percentile: $0.0, milliseconds: $0.1)
    }

    @Test func plotIsWellFormedSVGWithAxesLabelsAndTitle() throws {
        let title = #"vigil-sim alqaim-mixed: latency <frame> & "alert""#
        let svg = LatencyPlot.svg(points: Self.curve, title: title, subtitle: "load at 2000 msg/s for 15.0 s: 30,000 msg\n412 raised alerts timed")
        #expect(svg.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        let document = try parse(svg)
        #expect(document.root == "svg")
        #expect(svg.contains(#"xmlns="http://www.w3.org/2000/svg""#))
        for label in ["0%", "90%", "99%", "99.9%", "99.99%", "percentile (log scale of 1/(1 − p))", "latency (ms)"] {
            #expect(document.texts.contains(label), "axis label \(label)")
        }
        #expect(document.texts.filter { $0 == title }.count == 2, "the title, unescaped, in <title> and on the image")
        #expect(document.texts.contains("load at 2000 msg/s for 15.0 s: 30,000 msg") && document.texts.contains("412 raised alerts timed"))
        // 12 ms at most: steps of 5 ms up to 15.
        for label in ["0", "5", "10", "15"] { #expect(document.texts.contains(label), "y tick \(label)") }
        #expect((document.elements["line"] ?? 0) >= 2 + 4 + 5, "two axes and the grid")
    }

    @Test func curveNeverGoesDownAndSpansTheAxis() throws {
        let document = try parse(LatencyPlot.svg(points: Self.curve, title: "t", subtitle: "s"))
        #expect(document.paths.count == 1)
        let curve = points(of: try #require(document.paths.first))
        #expect(curve.count == Self.curve.count)
        for (before, after) in zip(curve, curve.dropFirst()) {
            #expect(after.x >= before.x, "x grows with the percentile")
            #expect(after.y <= before.y, "latency never falls (SVG's y grows downwards)")
        }
        let xs = curve.map(\.x)
        #expect(xs.first == 72 && xs.last == 690, "0 % at the left axis, 100 % at the right edge")
        #expect(curve[4].x == 72 + (690 - 72) / 2, "99 % is two decades of four")
    }

    @Test func emptyPlotSaysNothingWasMeasured() throws {
        let document = try parse(LatencyPlot.svg(points: [], title: "t", subtitle: "s"))
        #expect(document.paths.isEmpty)
        #expect(document.texts.contains("no latency measured"))
        #expect(document.texts.contains("99.99%"))
    }

    @Test func subMillisecondLatenciesGetDecimalTicks() throws {
        let points = [LatencyPlot.Point(percentile: 0, milliseconds: 0.12), LatencyPlot.Point(percentile: 100, milliseconds: 0.37)]
        let document = try parse(LatencyPlot.svg(points: points, title: "t", subtitle: "s"))
        for label in ["0.0", "0.1", "0.2", "0.3", "0.4"] { #expect(document.texts.contains(label), "y tick \(label)") }
    }

    @Test func percentilesAreDecadesOfOneOverOneMinusP() {
        #expect(LatencyPlot.decades(percentile: 0) == 0)
        #expect(abs(LatencyPlot.decades(percentile: 90) - 1) < 1e-9)
        #expect(abs(LatencyPlot.decades(percentile: 99) - 2) < 1e-9)
        #expect(abs(LatencyPlot.decades(percentile: 99.9) - 3) < 1e-9)
        #expect(LatencyPlot.decades(percentile: 99.999) == 4)
        #expect(LatencyPlot.decades(percentile: 100) == 4)
    }

    @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(LatencyPlot.niceStep(12) == 5)
        #expect(LatencyPlot.niceStep(10) == 2)
        #expect(LatencyPlot.niceStep(730) == 200)
        #expect(abs(LatencyPlot.niceStep(0.37) - 0.1) < 1e-12)
        #expect(LatencyPlot.niceStep(0) == 1)
    }
}
