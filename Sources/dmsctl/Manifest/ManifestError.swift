/// A document that cannot be applied as written: where (file, document, field) and why.
struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The document; `nil` for a problem with a whole file or path.
    var origin: DocumentOrigin?
    /// The file, when there is no document to name.
    var file: String?
    /// The field, as a dotted path (`spec.schema.port`); `nil` for the document as a whole.
    var field: String?
    /// What is wrong.
    var problem: String

    /// A problem with one document (at `field`, if given).
    init(_ origin: DocumentOrigin, field: String? = nil, _ problem: String) {
        self.origin = origin
        self.field = field
        self.problem = problem
    }

    /// A problem with a whole file or path.
    init(file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    /// `x.yaml, document 2: spec.type: required`.
    var description: String {
        let place = origin?.description ?? file ?? ""
        let prefix = field.map { "\($0): " } ?? ""
        return "\(place): \(prefix)\(problem)"
    }

    /// The failure to report for `errors`: one headline, one detail line each, exit status 64.
    static func failure(_ errors: [ManifestError]) -> CommandFailure {
        if errors.count == 1 { return CommandFailure(errors[0].description, status: .usage) }
        return CommandFailure(
            "\(errors.count) problems in the documents; nothing was sent", details: errors.map(\.description), status: .usage)
    }
}
