/// Where a document came from: a file (or stdin) and its 1-based position in it.
struct DocumentOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The path as given (or found in a directory), `(stdin)` for `-f -`.
    var file: String
    /// 1 for the first document of the file.
    var index: Int

    var description: String { "\(file), document \(index)" }
}
