/// A failure dmsctl itself diagnosed, with the line to show and the exit status to end with.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, for people; one line.
    var message: String
    /// Further lines shown under the message, e.g. one per invalid document.
    var details: [String]
    /// The exit status it ends the process with.
    var status: ExitStatus

    /// Creates a failure; `status` defaults to the generic failure.
    init(_ message: String, details: [String] = [], status: ExitStatus = .failure) {
        self.message = message
        self.details = details
        self.status = status
    }

    var description: String { message }
}
