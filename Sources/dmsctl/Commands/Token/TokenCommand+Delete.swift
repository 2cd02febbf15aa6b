import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto

extension TokenCommand {
    /// `dmsctl token delete NAME|--id ID`: `revoke` under the verb every noun shares.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a token: revoke it at once (the same as revoke).",
            discussion: """
                Calls carrying it fail with UNAUTHENTICATED from then on. The server keeps the record of \
                a revoked token (see list --include-revoked), so the outcome line says revoked. By name \
                only a token not yet revoked is found: deleting it again by name exits 2 (NOT_FOUND); \
                by --id it is found and stays as it is.

                Example: dmsctl token delete ci-nightly -n sales
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let token = try await global.withClient { client, options in
                try await client.unary(API.TokenService.revokeToken, .locating(selector, namespace: global.namespace), options: options)
            }
            let outcome = ResourceOutcome(
                kind: "token", name: token.name, namespace: token.namespace.isEmpty ? nil : token.namespace, result: "revoked")
            try outcome.print(with: global.printer)
        }
    }
}
