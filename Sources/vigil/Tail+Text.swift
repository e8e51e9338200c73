import ArgumentParser
import Foundation
import VigilClient
import VigilConfig
import VigilCore

extension Tail {
    /// `--color`: when to colour `--format text`.
    enum ColourChoice: String, ExpressibleByArgument, CaseIterable {
        /// When standard output is a terminal and `NO_COLOR` is not set.
        case auto
        /// Always.
        case always
        /// Never.
        case never
    }

    /// The options of `--format text`; nil means the default each names.
    struct TextArguments: ParsableArguments {
        /// Where the configuration is unless `--config` says.
        static let defaultConfig = "Config/vigild.yaml"
        /// Where the places are, relative to the configuration's folder, unless `--places` says.
        static let defaultPlaces = "data/iraq-syria/places.geojson"

        @Option(help: ArgumentHelp("vigild's configuration, for the border line that gives each alert its km (default \(defaultConfig)).", valueName: "file"))
        var config: String?

        @Option(help: ArgumentHelp("Named places (GeoJSON Points with name and country), for \"near\" (default \(defaultPlaces) beside the configuration).", valueName: "file"))
        var places: String?

        @Option(name: .customLong("color"), help: ArgumentHelp("Colour severities and dim resolved alerts: auto (when standard output is a terminal and NO_COLOR is not set), always or never (default auto).", valueName: "when"))
        var colour: ColourChoice?

        /// Whether any text option was given.
        var isUsed: Bool { config != nil || places != nil || colour != nil }

        /// The printer's text lines: coloured as `--color` says, placed by the configuration's border
        /// line and the places. What cannot be read is said once through `warn` and left out of
        /// every line; it never stops the tail.
        func lines(warn: (String) -> Void) -> TextLines {
            let colours: Bool
            switch colour ?? .auto {
            case .always: colours = true
            case .never: colours = false
            case .auto:
                colours = AlertTextFormatter.coloursByDefault(
                    standardOutputIsTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
            }
            return TextLines(formatter: AlertTextFormatter(colour: colours), locator: locator(warn: warn))
        }

        /// The border lines of the configuration and the places; nil without a configuration.
        private func locator(warn: (String) -> Void) -> BorderLocator? {
            let path = config ?? Self.defaultConfig
            let configuration: VigilConfiguration
            do {
                configuration = try VigilConfiguration.load(path: path)
            } catch {
                warn("vigil: alerts printed without place or km: cannot read the configuration: \(error)")
                return nil
            }
            let placesPath = places ?? URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(Self.defaultPlaces).path
            var found: [Place] = []
            do {
                found = try PlacesFile.load(path: placesPath)
            } catch {
                warn("vigil: alerts printed without a place: cannot read the places: \(error)")
            }
            let locator = BorderLocator(zones: configuration.zones, places: found)
            if !locator.hasBorder { warn("vigil: alerts printed without km: \(path) has no border line (a zone of kind border)") }
            return locator
        }
    }

    /// `--format text`: each alert as one line (``AlertTextFormatter``), placed near a named place
    /// and at a km of border when the locator can say.
    struct TextLines {
        /// Writes the lines.
        var formatter: AlertTextFormatter
        /// Finds each alert's place and km; nil when the configuration could not be read.
        var locator: BorderLocator?

        /// The line for `alert`.
        func line(for alert: AlertMessage) -> String {
            let location = locator.map { locator in
                AlertLocation(
                    place: locator.place(near: alert.position).map { AlertLocation.Place(name: $0.name, country: $0.country) },
                    km: locator.km(of: alert.position))
            }
            return formatter.line(for: alert, location: location)
        }
    }
}
