import DMSClient
import Foundation

/// Where and as whom to connect, resolved in one place: flags, then the environment (`DMS_TOKEN`),
/// then the context from the client configuration file.
struct ConnectionSettings: Sendable {
    /// The client configuration to connect with.
    var configuration: RPCClient.Configuration
    /// The time budget of each call.
    var callTimeout: Duration

    /// `host:port`, for messages.
    var address: String { "\(configuration.host):\(configuration.port)" }

    /// The environment variable holding the token, when it is not in the context.
    static let tokenVariable = "DMS_TOKEN"

    /// Resolves `options` against the environment and the configuration file.
    static func resolve(
        _ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ConnectionSettings {
        let file = try options.file.load()
        let context: ClientConfigFile.Context?
        if options.context == nil, options.server != nil, file.currentContext == nil {
            context = nil  // a bare --server needs no configuration file
        } else if file.contexts.isEmpty, options.context == nil {
            throw CommandFailure(
                "no client configuration at \(options.file.path): start dmsd (which writes it), "
                    + "run `dmsctl config set-context`, or pass --server")
        } else {
            context = try file.context(named: options.context)
        }
        guard let serverText = options.server ?? context?.server,
            let (host, port) = parseServerAddress(serverText)
        else {
            throw CommandFailure("context \"\(context?.name ?? "")\" has no valid server address (host:port)")
        }
        let caFile = options.caFile ?? context?.caFile
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw CommandFailure("cannot read the CA file \(caFile)")
        }
        let environmentToken = environment[tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        let connectSeconds = max(1, options.timeout.rounded(.up))
        let configuration = RPCClient.Configuration(
            host: host, port: port,
            caFile: caFile,
            serverName: context?.serverName,
            token: environmentToken ?? context?.token,
            namespace: options.namespace ?? context?.namespace,
            clientCertificateFile: context?.clientCertificateFile,
            clientKeyFile: context?.clientKeyFile,
            connectTimeout: .seconds(connectSeconds),
            // A command's calls never block: they run on the connection's event loop.
            runsBodyOnEventLoop: true)
        return ConnectionSettings(configuration: configuration, callTimeout: .seconds(options.timeout))
    }
}
