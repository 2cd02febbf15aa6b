import ArgumentParser
import DMSAPI
import DMSProto

extension TokenCommand {
    /// `dmsctl token revoke NAME|--id ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token at once.",
            discussion: """
                Calls carrying it fail with UNAUTHENTICATED from then on. By name only a token not \
                yet revoked is found: revoking it again by name exits 2 (NOT_FOUND); by --id it is \
                found and stays as it is.

                Example: dmsctl token revoke ci-nightly -n sales
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let token = try await global.withClient { client, options in
                try await client.unary(API.TokenService.revokeToken, .locating(selector, namespace: global.namespace), options: options)
            }
            try global.printer.print(token)
        }
    }
}
