import ArgumentParser
import DMSAPI
import DMSClient
import DMSCommandLineOutput
import DMSProto

/// `dmsctl version`: the client's version and, when the server answers, the server's.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the client's version and, if reachable, the server's.",
        discussion: "An unreachable server is reported on stderr; the exit status is still 0.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    /// What `version` prints, in every format.
    struct Versions: Encodable {
        /// dmsctl's version.
        var client: String
        /// dmsd's version, when it answered.
        var server: String?
        /// The protocol the server speaks, when it answered.
        var `protocol`: String?
    }

    func run() async throws {
        var versions = Versions(client: DMSClientVersion.current)
        do {
            var settings = try ConnectionSettings.resolve(global)
            settings.configuration.token = nil  // Health needs none; a bad token must not hide the version
            let health = try await GlobalOptions.withClient(settings) { client, options in
                try await client.unary(API.HealthService.health, Dms_V1_HealthRequest(), options: options)
            }
            versions.server = health.version
            versions.protocol = health.protocol
        } catch {
            StandardStreams.writeError("dmsctl: server version unknown: \(ErrorReport(error).headline)\n")
        }
        var pairs: [(key: String, value: String)] = [("client", versions.client)]
        if let server = versions.server { pairs.append(("server", server)) }
        if let proto = versions.protocol { pairs.append(("protocol", proto)) }
        try global.printer.print(versions, table: TextTable.keyValues(pairs))
    }
}
