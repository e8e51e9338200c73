// The libFuzzer entry points of the control fuzz target. Not part of any SwiftPM target:
// scripts/fuzz.sh compiles this file with `-sanitize=fuzzer,address -parse-as-library` and
// links it with the VigilFuzz library built the same way (see the script).
import VigilFuzz

/// One input: a silence, a silences file and a stats reply.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTiming.measure(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)) { ControlFuzz.run($0) }
    return 0
}
