import Foundation
import Synchronization

/// The signal (SIGINT or SIGTERM) that asked `vigil record` or `vigil follow` to stop; 0 until
/// one does. Set by a C signal handler (an atomic store is async-signal-safe), read by the
/// command's loop, which polls at least every 100 ms.
let stopSignal = Atomic<Int32>(0)

/// Stop on SIGINT and SIGTERM: the handler only records the signal. The signals are unblocked
/// too, in case the parent process started this one with them blocked (a blocked mask is
/// inherited, and Foundation's `Process` may pass one on).
func stopOnSignals() {
    var signals = sigset_t()
    sigemptyset(&signals)
    for number in [SIGINT, SIGTERM] {
        _ = signal(number) { stopSignal.store($0, ordering: .relaxed) }
        sigaddset(&signals, number)
    }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}

/// The name of the signal that asked to stop, if one did.
var stopRequest: String? {
    switch stopSignal.load(ordering: .relaxed) {
    case 0: nil
    case SIGINT: "SIGINT"
    case SIGTERM: "SIGTERM"
    case let other: "signal \(other)"
    }
}
