import Foundation
import Yams

/// A node of a YAML configuration file, read strictly: every key is checked against the keys the
/// reader knows, and every error names the file, the key path and what was expected.
///
/// Usage: `let root = try YAMLDocument.load(path:).root`, then `let map = try root.mapping(allowed:)`
/// and `map.int("queue", default: 64, in: 1...4096)`.
public struct YAMLValue {
    /// The file, as named in errors.
    public let file: String
    /// The key path of this node, for example `ingest.bind[1]`.
    public let path: String
    let node: Node?

    /// An error about this node.
    public func error(_ message: String) -> ConfigError { ConfigError(file: file, key: path, message) }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether the node is absent or YAML null.
    public var isNull: Bool {
        guard let node else { return true }
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return true }
        return false
    }

    /// Whether the node is a mapping.
    public var isMapping: Bool {
        if case .mapping? = node { return true }
        return false
    }

    /// Whether the node is a sequence.
    public var isSequence: Bool {
        if case .sequence? = node { return true }
        return false
    }

    /// Reads the node as a mapping whose keys must all be in `allowed` (`nil`: any key).
    public func mapping(allowed: Set<String>?) throws(ConfigError) -> YAMLMapping {
        if isNull { return YAMLMapping(file: file, path: path, entries: [:]) }
        guard case .mapping(let mapping)? = node else { throw error("expected a mapping of keys to values") }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings") }
            if let allowed, !allowed.contains(key) {
                throw ConfigError(file: file, key: child(key), "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            entries[key] = value
        }
        return YAMLMapping(file: file, path: path, entries: entries)
    }

    /// Reads the node as a sequence.
    public func sequence() throws(ConfigError) -> [YAMLValue] {
        if isNull { return [] }
        guard case .sequence(let sequence)? = node else { throw error("expected a list") }
        return sequence.enumerated().map { YAMLValue(file: file, path: "\(path)[\($0.offset)]", node: $0.element) }
    }

    /// Reads the node as a string.
    public func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar)? = node else { throw error("expected a string") }
        return scalar.string
    }

    /// Reads the node as a number in `range`.
    public func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard case .scalar(let scalar)? = node, let value = Double(scalar.string), range.contains(value) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound), found \(describe)")
        }
        return value
    }

    /// Reads the node as an integer in `range`.
    public func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .scalar(let scalar)? = node, let value = Int(scalar.string), range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(describe)")
        }
        return value
    }

    /// Reads the node as a boolean (`true` or `false`).
    public func bool() throws(ConfigError) -> Bool {
        guard case .scalar(let scalar)? = node, let value = Bool(scalar.string) else {
            throw error("expected true or false, found \(describe)")
        }
        return value
    }

    /// Reads the node as one of `choices`.
    public func choice(_ choices: [String]) throws(ConfigError) -> String {
        let value = try string()
        guard choices.contains(value) else { throw error("expected one of \(choices.joined(separator: ", ")), found \"\(value)\"") }
        return value
    }

    /// Reads the node as a list of strings (a single string is a list of one).
    public func strings() throws(ConfigError) -> [String] {
        if case .scalar? = node, !isNull { return [try string()] }
        var result: [String] = []
        for item in try sequence() { result.append(try item.string()) }
        return result
    }

    private var describe: String {
        switch node {
        case .scalar(let scalar)?: "\"\(scalar.string)\""
        case .mapping?: "a mapping"
        case .sequence?: "a list"
        default: "nothing"
        }
    }
}

/// A mapping read by ``YAMLValue/mapping(allowed:)``: typed accessors with defaults.
public struct YAMLMapping {
    /// The file, as named in errors.
    public let file: String
    /// The key path of the mapping.
    public let path: String
    let entries: [String: Node]

    /// Whether `key` is present.
    public func has(_ key: String) -> Bool { entries[key] != nil }

    /// The keys present, in no particular order.
    public var keys: [String] { Array(entries.keys) }

    /// The value at `key` (absent values read as null).
    public subscript(key: String) -> YAMLValue {
        YAMLValue(file: file, path: path.isEmpty ? key : "\(path).\(key)", node: entries[key])
    }

    /// The value at `key`, which must be present.
    public func required(_ key: String) throws(ConfigError) -> YAMLValue {
        guard entries[key] != nil else { throw ConfigError(file: file, key: path.isEmpty ? key : "\(path).\(key)", "missing; this key is required") }
        return self[key]
    }

    /// A number at `key`, or `defaultValue` when absent.
    public func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        has(key) ? try self[key].double(in: range) : defaultValue
    }

    /// An integer at `key`, or `defaultValue` when absent.
    public func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        has(key) ? try self[key].int(in: range) : defaultValue
    }

    /// A string at `key`, or `defaultValue` when absent.
    public func string(_ key: String, default defaultValue: String) throws(ConfigError) -> String {
        has(key) ? try self[key].string() : defaultValue
    }

    /// A list of strings at `key`, or `defaultValue` when absent.
    public func strings(_ key: String, default defaultValue: [String]) throws(ConfigError) -> [String] {
        has(key) ? try self[key].strings() : defaultValue
    }

    /// A boolean at `key`, or `defaultValue` when absent.
    public func bool(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        has(key) ? try self[key].bool() : defaultValue
    }
}

/// A YAML configuration file.
public enum YAMLDocument {
    /// Reads and parses the file at `path`, named `file` in errors; returns its root node.
    public static func load(path: String, file: String? = nil) throws(ConfigError) -> YAMLValue {
        let name = file ?? path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: name, key: "", "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: name)
    }

    /// Parses YAML `text`, named `file` in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> YAMLValue {
        do {
            return YAMLValue(file: file, path: "", node: try Yams.compose(yaml: text))
        } catch {
            throw ConfigError(file: file, key: "", "not valid YAML: \(error)")
        }
    }
}
