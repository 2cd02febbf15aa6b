import DMSClient
import DMSWire

extension GlobalOptions {
    /// Connects as these options say, runs `body` with the client and per-call options, and
    /// closes the connection.
    ///
    /// A failure to connect (refused, unresolvable, TLS) becomes a ``CommandFailure`` with
    /// ``ExitStatus/unreachable``; errors of the calls themselves pass through.
    func withClient<Result: Sendable>(
        _ body: (RPCClient, RPCClient.CallOptions) async throws -> Result
    ) async throws -> Result {
        try await Self.withClient(try ConnectionSettings.resolve(self), body)
    }

    /// ``withClient(_:)`` with settings already resolved.
    static func withClient<Result: Sendable>(
        _ settings: ConnectionSettings, _ body: (RPCClient, RPCClient.CallOptions) async throws -> Result
    ) async throws -> Result {
        var connected = false
        do {
            return try await RPCClient.withConnection(settings.configuration) { client in
                connected = true
                return try await body(client, RPCClient.CallOptions(timeout: settings.callTimeout))
            }
        } catch let error as RPCError where !connected {
            throw CommandFailure(error.message, status: .unreachable)
        }
    }
}
