import DMSManifest

/// Why `apply -f` or `delete -f` stopped at a document: the document, how far it got, and the
/// cause (the server's refusal, or a document that cannot be applied). Reported as one line naming
/// the document, the cause's details, and a line saying how many documents were done before.
public struct ManifestStop: Error, CustomStringConvertible {
    /// The document it stopped at.
    public var document: ManifestDocument
    /// Its position in the order applied (0: the first).
    public var position: Int
    /// The number of documents.
    public var total: Int
    /// `applied` or `deleted`.
    public var verb: String
    /// What went wrong.
    public var cause: any Error

    /// A stop at `document`, the `position`-th of `total`, because of `cause`.
    public init(document: ManifestDocument, position: Int, total: Int, verb: String, cause: any Error) {
        self.document = document
        self.position = position
        self.total = total
        self.verb = verb
        self.cause = cause
    }

    /// `connection/pg-main (deploy.yaml, document 2)`: the document, for the report's headline.
    public var place: String { "\(document.label) (\(document.origin))" }

    /// The line after the cause's details: how far the documents got.
    public var progress: String { "\(position) of \(total) documents \(verb) before it; the rest were not sent" }

    /// The place and the cause.
    public var description: String { "\(place): \(cause)" }
}
