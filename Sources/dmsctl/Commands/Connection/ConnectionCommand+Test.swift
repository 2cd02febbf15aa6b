import ArgumentParser
import DMSAPI
import DMSProto

extension ConnectionCommand {
    /// `dmsctl connection test NAME|--id ID`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Try to reach the connection's store and log in.",
            discussion: """
                Prints the outcome: ok or failed, why, the round-trip time and the server's version. \
                dmsd tries PostgreSQL itself and MySQL/MariaDB, SQLite and local file paths with a short \
                probe (no Spark); jdbc, hive and Hadoop file systems need a Spark application and are \
                reported as not checked. The exit status is 0 when the store was reached and accepted \
                the credentials, 7 when it was not (the outcome says why), and as for every command \
                when the call itself fails (2 for an unknown connection).

                Example: dmsctl connection test pg-main -n sales
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let outcome = try await global.withClient { client, options in
                try await client.unary(
                    API.ConnectionService.testConnection, .locating(selector, namespace: global.namespace), options: options)
            }
            try global.printer.print(outcome)
            if !outcome.ok { ExitStatus.exit(.connectionTestFailed) }
        }
    }
}
