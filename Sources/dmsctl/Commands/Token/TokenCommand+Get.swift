import ArgumentParser
import DMSAPI
import DMSProto

extension TokenCommand {
    /// `dmsctl token get NAME|--id ID`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a token (never its secret).",
            discussion: """
                By name: an admin token without -n, an editor or viewer token with the -n of its namespace.

                Example: dmsctl token get ci-nightly -n sales
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let token = try await global.withClient { client, options in
                try await client.unary(API.TokenService.getToken, .locating(selector, namespace: global.namespace), options: options)
            }
            try global.printer.print(token)
        }
    }
}
