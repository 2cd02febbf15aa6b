import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto

extension TokenCommand {
    /// `dmsctl token describe NAME|--id ID`: the token, whether it works now, and what it allows.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a token, whether it still works, and what calls carrying it may do.",
            discussion: """
                The lines of get, then ALLOWS: the rights of its role in its namespace, or nothing once it \
                is revoked or expired. -o json and yaml add status and allows to the token. Never the \
                secret: the server does not have it.

                Example: dmsctl token describe ci-nightly -n sales
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let token = try await global.withClient { client, options in
                try await client.unary(API.TokenService.getToken, .locating(selector, namespace: global.namespace), options: options)
            }
            var document = try EmbeddedJSON.document(token)
            document["status"] = .string(token.status)
            document["allows"] = .string(token.allowance)
            global.printer.print(document: .object(document), table: token.describeTable)
        }
    }
}
