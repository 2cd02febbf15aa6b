/// Where a document came from: a file (or stdin) and its 1-based position in it.
public struct DocumentOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The path as given (or found in a directory), `(stdin)` for `-f -`.
    public var file: String
    /// 1 for the first document of the file.
    public var index: Int

    /// The `index`-th document of `file`.
    public init(file: String, index: Int) {
        self.file = file
        self.index = index
    }

    /// `deploy/db.yaml, document 2`.
    public var description: String { "\(file), document \(index)" }
}
