// The libFuzzer entry points of the engine fuzz target (EngineFuzz): one input is a sequence of frame reports, clock steps, silences and restarts.
// In no SwiftPM target: scripts/fuzz.sh compiles this file with `-sanitize=fuzzer,address
// -parse-as-library` and links it with the VigilFuzz library built the same way (see the script).
import VigilFuzz

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt { FuzzTarget.initialize(EngineFuzz.prepare) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzTarget.testOneInput(data, size, { EngineFuzz.run($0) }) }
