// The libFuzzer entry points of the parser fuzz target (ParserFuzz): one input is a frame report's payload.
// In no SwiftPM target: scripts/fuzz.sh compiles this file with `-sanitize=fuzzer,address
// -parse-as-library` and links it with the VigilFuzz library built the same way (see the script).
import VigilFuzz

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt { FuzzTarget.initialize(ParserFuzz.prepare) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzTarget.testOneInput(data, size, { ParserFuzz.run($0) }) }
