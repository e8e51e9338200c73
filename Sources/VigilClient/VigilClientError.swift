/// Why a client of vigild stopped: what went wrong, in one line that names the endpoint or file,
/// and a code that says which kind of failure it is, with the exit status (sysexits.h) a command
/// reports it with.
public struct VigilClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, with its exit status.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The exit status a command reports this failure with (sysexits.h).
        public let exitStatus: Int32
        private let name: String
        private init(_ name: String, _ exitStatus: Int32) {
            self.name = name
            self.exitStatus = exitStatus
        }

        /// A socket could not be made, a daemon refused a request or could not be reached
        /// (EX_UNAVAILABLE, 69).
        public static let unavailable = Code("unavailable", 69)
        /// A daemon answered something that is not the protocol's answer (EX_PROTOCOL, 76).
        public static let badReply = Code("bad_reply", 76)
        /// A state file holds something that is not a position (EX_DATAERR, 65).
        public static let badStateFile = Code("bad_state_file", 65)
        /// A state file cannot be read (EX_NOINPUT, 66).
        public static let unreadableStateFile = Code("unreadable_state_file", 66)
        /// A state file cannot be written (EX_CANTCREAT, 73).
        public static let unwritableStateFile = Code("unwritable_state_file", 73)
        /// The output refused what was written to it (EX_IOERR, 74).
        public static let output = Code("output", 74)

        /// The code's name, e.g. `bad_reply`.
        public var description: String { name }
    }

    /// What went wrong, naming the endpoint or the file.
    public var message: String
    /// What kind of failure.
    public var code: Code

    /// An error.
    public init(_ message: String, code: Code) {
        self.message = message
        self.code = code
    }

    /// The message.
    public var description: String { message }
}
