import ArgumentParser
import DMSAPI
import DMSProto

extension ConnectionCommand {
    /// `dmsctl connection test NAME|--id ID`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Try to reach the connection's store and log in.",
            discussion: """
                Prints the outcome. The exit status is 0 when the store was reached and accepted the \
                credentials, 1 when it was not (the outcome says why).

                Example: dmsctl connection test pg-main
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let outcome = try await global.withClient { client, options in
                try await client.unary(
                    API.ConnectionService.testConnection, .locating(selector, namespace: global.namespace), options: options)
            }
            try global.printer.print(outcome)
            if !outcome.ok { ExitStatus.exit(.failure) }
        }
    }
}
