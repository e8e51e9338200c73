// The libFuzzer entry points of the control fuzz target (ControlFuzz): one input is a silence, a silences file and a stats reply.
// In no SwiftPM target: scripts/fuzz.sh compiles this file with `-sanitize=fuzzer,address
// -parse-as-library` and links it with the VigilFuzz library built the same way (see the script).
import VigilFuzz

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzTarget.testOneInput(data, size, { ControlFuzz.run($0) }) }
