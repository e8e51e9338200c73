import VigilCore

/// Writes frame reports as the contract's JSON (CONTRACT.md section 1), by hand: the simulator's
/// send path writes hundreds of thousands of reports a second, so it never goes through
/// `JSONEncoder` or an intermediate dictionary.
///
/// Output: `{"v":1,"camera":"cam-rabia-17","seq":42,"ts":1795228387250,"detections":[{"track":412,
/// "class":"person","conf":0.913,"lat":36.835545,"lon":42.112958,"temp_c":34.5,"speed_mps":1.5,
/// "heading_deg":137.2}]}`. Places: `lat`/`lon` 6 (0.1 m), `conf` 3, `speed_mps` 2, `temp_c`,
/// `size_m` and `heading_deg` 1; trailing zeros are dropped. Optional fields appear only when set.
/// The simulator marks its reports `"exercise":true` (after `ts`), so alerts that come of them are
/// exercises, never taken for real ones.
public enum FrameWriter {
    /// Replaces the contents of `buffer` with the payload of `report` (keeping its capacity).
    public static func write(_ report: FrameReport, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        append(report, to: &buffer)
    }

    /// The payload of `report`.
    public static func payload(_ report: FrameReport) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(96 + report.detections.count * 150)
        append(report, to: &buffer)
        return buffer
    }

    /// Appends the payload of `report` to `buffer`.
    public static func append(_ report: FrameReport, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"v":1,"camera":"#.utf8)
        JSONString.append(report.camera, to: &buffer)
        buffer.append(contentsOf: #","seq":"#.utf8)
        Format.appendInteger(report.seq, to: &buffer)
        buffer.append(contentsOf: #","ts":"#.utf8)
        Format.appendInteger(report.ts, to: &buffer)
        if report.exercise { buffer.append(contentsOf: #","exercise":true"#.utf8) }
        buffer.append(contentsOf: #","detections":["#.utf8)
        for (index, detection) in report.detections.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            append(detection, to: &buffer)
        }
        buffer.append(contentsOf: "]}".utf8)
    }

    /// Appends one detection object.
    public static func append(_ detection: Detection, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"track":"#.utf8)
        Format.appendInteger(UInt64(detection.track), to: &buffer)
        buffer.append(contentsOf: #","class":""#.utf8)
        buffer.append(contentsOf: detection.objectClass.rawValue.utf8)
        buffer.append(contentsOf: #"","conf":"#.utf8)
        Format.appendFixed(detection.conf, decimals: 3, to: &buffer)
        buffer.append(contentsOf: #","lat":"#.utf8)
        Format.appendFixed(detection.lat, decimals: 6, to: &buffer)
        buffer.append(contentsOf: #","lon":"#.utf8)
        Format.appendFixed(detection.lon, decimals: 6, to: &buffer)
        appendOptional(#","temp_c":"#, detection.tempC, decimals: 1, to: &buffer)
        appendOptional(#","size_m":"#, detection.sizeM, decimals: 1, to: &buffer)
        appendOptional(#","speed_mps":"#, detection.speedMps, decimals: 2, to: &buffer)
        appendOptional(#","heading_deg":"#, detection.headingDeg, decimals: 1, to: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }

    /// `key` and `value` with `decimals` places, when there is a value.
    private static func appendOptional(_ key: String, _ value: Double?, decimals: Int, to buffer: inout [UInt8]) {
        guard let value else { return }
        buffer.append(contentsOf: key.utf8)
        Format.appendFixed(value, decimals: decimals, to: &buffer)
    }
}
