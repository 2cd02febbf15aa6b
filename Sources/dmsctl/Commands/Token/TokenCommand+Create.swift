import ArgumentParser
import DMSAPI
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto

extension TokenCommand {
    /// `dmsctl token create NAME --role ROLE`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print its secret, once.",
            discussion: """
                Editor and viewer tokens belong to the namespace of -n or the context; admin tokens to \
                none. The secret is printed on stdout this one time; the server cannot show it again. \
                -o json prints {"token": {...}, "secret": "dms_..."}.

                Example: dmsctl token create ci-nightly --role editor -n sales --ttl 30d -o json > ci-token.json
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "A name for people: who or what uses it. Unique within the namespace.")
        var name: String

        @Option(help: "What it may do.")
        var role: TokenRoleArgument

        @Option(help: ArgumentHelp("Lifetime: seconds, or a number with s, m, h or d (default: it does not expire).", valueName: "duration"))
        var ttl: String?

        func validate() throws {
            if let ttl, TimeToLive.seconds(ttl) == nil {
                throw ValidationError("--ttl must be a positive number of seconds, or a number with s, m, h or d (e.g. 90d)")
            }
        }

        func run() async throws {
            let settings = try ConnectionSettings.resolve(global)
            let namespace = role == .admin ? "" : (settings.configuration.namespace ?? "")
            if role != .admin, namespace.isEmpty {
                throw CommandFailure("an \(role.rawValue) token needs a namespace: give -n", status: .usage)
            }
            let request = Dms_V1_CreateTokenRequest.with {
                $0.name = name
                $0.namespace = namespace
                $0.role = role.role
                $0.ttlSeconds = ttl.flatMap(TimeToLive.seconds) ?? 0
            }
            let created = try await GlobalOptions.withClient(settings) { client, options in
                try await client.unary(API.TokenService.createToken, request, options: options)
            }
            try global.printer.print(created)
            StandardStreams.writeError("Store the secret now: it is not shown again.\n")
        }
    }
}
