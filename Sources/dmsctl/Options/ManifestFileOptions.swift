import ArgumentParser

/// `-f FILE|DIR|-`, repeatable: where `apply` and `delete` read their documents.
struct ManifestFileOptions: ParsableArguments, Sendable {
    @Option(
        name: [.customShort("f"), .customLong("filename")],
        help: ArgumentHelp("A file, a directory, or - for stdin. Repeatable.", valueName: "path"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the documents with -f FILE|DIR|-") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("-f - (stdin) can be given once") }
    }
}
