/// Frames that never arrived, per camera.
///
/// ZeroMQ drops messages silently: a SUB socket at its receive high-water mark, a gateway's PUB
/// socket at its send high-water mark. The only trace a drop leaves is a gap in its camera's
/// `seq`, which the ``FrameSequencer`` gives up once waiting longer cannot help; so this is where
/// the daemon learns which cameras lose frames on the way, and how many.
extension AlertEngine {
    /// Per camera, indexed like ``cameras``: the frames given up as missing (`seq` gaps: dropped at
    /// a high-water mark, or lost upstream). A camera's reboot (its `seq` starting again) is not a
    /// gap, and neither is a duplicate. They add up to ``EngineStats/framesMissing``.
    public var framesMissingByCamera: [UInt64] { sequencer.missingByCamera }

    /// The cameras (by id) with frames given up as missing, and how many; cameras with none are
    /// left out.
    public var framesMissingByCameraID: [String: UInt64] {
        var byID: [String: UInt64] = [:]
        for (camera, count) in sequencer.missingByCamera.enumerated() where count > 0 { byID[cameras[camera].id] = count }
        return byID
    }
}
