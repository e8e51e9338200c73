/// The topic of a detection message: `det.<sector>.<camera>`.
public enum DetectionTopic {
    /// The prefix every detection topic starts with.
    public static let prefix = "det."

    /// Splits a topic into its sector and camera, checking both against the identifier syntax.
    public static func parse(_ topic: UnsafeRawBufferPointer) throws(FrameReportError) -> (sector: String, camera: String) {
        let bytes = topic.bindMemory(to: UInt8.self)
        guard bytes.count > 4, bytes[0] == UInt8(ascii: "d"), bytes[1] == UInt8(ascii: "e"), bytes[2] == UInt8(ascii: "t"),
            bytes[3] == UInt8(ascii: ".")
        else { throw FrameReportError(.badTopic, "topic must be det.<sector>.<camera>") }
        let rest = bytes[4...]
        guard let dot = rest.firstIndex(of: UInt8(ascii: ".")) else {
            throw FrameReportError(.badTopic, "topic must be det.<sector>.<camera>")
        }
        let sector = rest[rest.startIndex..<dot], camera = rest[(dot + 1)...]
        guard Identifier.isValid(sector), Identifier.isValid(camera) else {
            throw FrameReportError(.badTopic, "topic sector and camera must match [A-Za-z0-9_-]{1,64}")
        }
        return (String(decoding: sector, as: UTF8.self), String(decoding: camera, as: UTF8.self))
    }

    /// `det.<sector>.<camera>`.
    public static func make(sector: String, camera: String) -> String { "det.\(sector).\(camera)" }
}
