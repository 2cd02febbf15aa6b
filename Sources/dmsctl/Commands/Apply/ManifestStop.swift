/// Why `apply -f` or `delete -f` stopped at a document: the document, how far it got, and the
/// cause (the server's refusal, or a document that cannot be applied). Reported as one line naming
/// the document, the cause's details, and a line saying how many documents were done before.
struct ManifestStop: Error {
    /// The document it stopped at.
    var document: ManifestDocument
    /// Its position in the order applied (0: the first).
    var position: Int
    /// The number of documents.
    var total: Int
    /// `applied` or `deleted`.
    var verb: String
    /// What went wrong.
    var cause: any Error

    /// The failure dmsctl reports: exit status of the cause.
    var failure: CommandFailure {
        let report = ErrorReport(cause)
        let done = "\(position) of \(total) documents \(verb) before it; the rest were not sent"
        return CommandFailure(
            "\(document.label) (\(document.origin)): \(report.headline)",
            details: report.details.map { $0.trimmingCharacters(in: .whitespaces) } + [done], status: report.status)
    }
}
