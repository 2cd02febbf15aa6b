/// A document that cannot be applied as written: where (file, document, field) and why.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The document; `nil` for a problem with a whole file or path.
    public var origin: DocumentOrigin?
    /// The file, when there is no document to name.
    public var file: String?
    /// The field, as a dotted path (`spec.schema.port`); `nil` for the document as a whole.
    public var field: String?
    /// What is wrong.
    public var problem: String

    /// A problem with one document (at `field`, if given).
    public init(_ origin: DocumentOrigin, field: String? = nil, _ problem: String) {
        self.origin = origin
        self.field = field
        self.problem = problem
    }

    /// A problem with a whole file or path.
    public init(file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    /// `x.yaml, document 2: spec.type: required`.
    public var description: String {
        let place = origin?.description ?? file ?? ""
        let prefix = field.map { "\($0): " } ?? ""
        return "\(place): \(prefix)\(problem)"
    }
}
