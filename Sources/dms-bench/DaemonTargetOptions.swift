import ArgumentParser
import DMSClient

/// Which dmsd a benchmark measures, and how it trusts its certificate; and the concurrency levels.
struct DaemonTargetOptions: ParsableArguments {
    @Option(help: "dmsd address, host:port.")
    var server: String

    @Option(help: "CA certificate (PEM) that signed dmsd's certificate.")
    var caFile: String?

    @Option(help: "The name dmsd's certificate must carry, when it differs from the host.")
    var serverName: String?

    func validate() throws {
        guard parseServerAddress(server) != nil else { throw ValidationError("--server must be host:port") }
    }

    /// The client configuration for dmsd with `token`.
    func clientConfiguration(token: String?) -> RPCClient.Configuration {
        let (host, port) = parseServerAddress(server)!  // checked by validate()
        // The callers never block, so they run on the connection's event loop, as dmsctl's do.
        return RPCClient.Configuration(
            host: host, port: port, caFile: caFile, serverName: serverName, token: token, runsBodyOnEventLoop: true)
    }

    /// `1,8,64` as levels; ValidationError unless every one is a positive integer.
    static func levels(_ text: String) throws -> [Int] {
        let levels = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else { throw ValidationError("--concurrency must list positive integers") }
        return levels
    }
}
