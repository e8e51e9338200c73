import ArgumentParser

/// `vigil zones`: check a zones file, and ask what the zones say about a point or a step.
struct Zones: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a zones GeoJSON file; classify points and segments against the zones.",
        subcommands: [ZonesCheck.self, ZonesWhere.self, ZonesClassify.self])
}
