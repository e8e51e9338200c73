// VigilCore speaks the wire's vocabulary: its frame reports carry `ObjectClass` and `GeoPoint`, its
// rules `Severity`, and its engine produces `AlertMessage`s. Those types live in VigilWire, the
// one module that daemon and clients share, and VigilCore re-exports it, so `import VigilCore`
// is enough for anything that uses the engine. VigilWire imports no Foundation, so VigilCore
// stays pure.
@_exported import VigilWire
