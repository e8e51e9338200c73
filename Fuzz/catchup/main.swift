// The libFuzzer entry points of the catchup fuzz target (CatchUpFuzz): one input is a catch-up request's body and a whole message, frames split at NUL bytes.
// In no SwiftPM target: scripts/fuzz.sh compiles this file with `-sanitize=fuzzer,address
// -parse-as-library` and links it with the VigilFuzz library built the same way (see the script).
import VigilFuzz

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzTarget.testOneInput(data, size, { CatchUpFuzz.run($0) }) }
