// The libFuzzer entry points of the config fuzz target. Not part of any SwiftPM target:
// scripts/fuzz.sh compiles this file with `-sanitize=fuzzer,address -parse-as-library` and
// links it with the VigilFuzz library built the same way (see the script).
import VigilFuzz

/// Loads the configuration once, before the first input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    ConfigFuzz.prepare()
    return 0
}

/// One input: a settings, rules, zones and cameras file at once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTiming.measure(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)) { ConfigFuzz.run($0) }
    return 0
}
