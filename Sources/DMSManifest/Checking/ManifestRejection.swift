/// Why `apply -f` or `delete -f` refused its documents before sending anything: one headline,
/// and a line per problem when there are several. dmsctl reports it as a usage error (exit
/// status 64).
public struct ManifestRejection: Error, Sendable, CustomStringConvertible {
    /// The headline: the one problem, or how many there are.
    public var message: String
    /// Every problem, when there are several; empty when the headline says it all.
    public var problems: [ManifestError]

    /// The rejection of documents with `errors` (at least one).
    public init(_ errors: [ManifestError]) {
        if errors.count == 1 {
            message = errors[0].description
            problems = []
        } else {
            message = "\(errors.count) problems in the documents; nothing was sent"
            problems = errors
        }
    }

    /// A rejection with `message` and no list of problems (e.g. no documents at all).
    public init(message: String) {
        self.message = message
        self.problems = []
    }

    /// The headline.
    public var description: String { message }
}
