import ArgumentParser
import DMSClient
import DMSCommandLineOutput

extension ConfigCommand {
    /// `dmsctl config set-context NAME`: creates a context or changes the fields given.
    struct SetContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-context",
            abstract: "Create a context, or change the given fields of an existing one.",
            discussion: """
                A new context needs --server. With --token-stdin the context's token is read as one \
                line from stdin (e.g. `pass show dms | dmsctl config set-context prod --token-stdin`), \
                so it never appears on a command line. The first context becomes the current one.
                """)

        @OptionGroup var file: ConfigFileOptions

        @Argument(help: "The context's name.")
        var name: String

        @Option(help: ArgumentHelp("Server address.", valueName: "host:port"))
        var server: String?

        @Option(help: ArgumentHelp("CA certificate (PEM) that signed the server's certificate.", valueName: "path"))
        var caFile: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("Default namespace.", valueName: "name"))
        var namespace: String?

        @Flag(help: "Read the context's token as one line from stdin.")
        var tokenStdin = false

        func validate() throws {
            if name.isEmpty { throw ValidationError("the context name must not be empty") }
            if let server, parseServerAddress(server) == nil {
                throw ValidationError("--server must be host:port, e.g. 127.0.0.1:7443 (got \"\(server)\")")
            }
        }

        func run() throws {
            var config = try file.load()
            let existing = config.contexts.first { $0.name == name }
            guard let server = server ?? existing?.server else {
                throw ValidationError("a new context needs --server host:port")
            }
            var context = existing ?? ClientConfigFile.Context(name: name, server: server)
            context.server = server
            if let caFile { context.caFile = caFile }
            if let namespace { context.namespace = namespace }
            if tokenStdin { context.token = try Self.readToken() }
            config.upsert(context)
            try config.save(to: file.path)
            StandardStreams.writeError("Context \"\(name)\" \(existing == nil ? "created" : "modified").\n")
        }

        private static func readToken() throws -> String {
            guard let line = readLine(strippingNewline: true) else {
                throw CommandFailure("--token-stdin: stdin ended before a token")
            }
            let token = line.trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { throw CommandFailure("--token-stdin: the line read from stdin is empty") }
            return token
        }
    }
}
