import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

// Small shared pieces of the end-to-end suites: hand-made frames, a bystander check, process waits.

extension Dms_V1_Frame {
    /// A REQUEST for `Health` (no token needed).
    static func healthRequest(callID: UInt64) -> Dms_V1_Frame {
        .request(callID: callID, method: API.HealthService.health.descriptor.fullName, payload: Data())
    }

    /// A REQUEST for `WatchHealth` with `token`.
    static func watchHealthRequest(
        callID: UInt64, token: String, intervalMilliseconds: UInt32, maxItems: UInt32 = 0, timeoutMilliseconds: UInt64 = 0
    ) throws -> Dms_V1_Frame {
        var request = Dms_V1_WatchHealthRequest()
        request.intervalMs = intervalMilliseconds
        request.maxItems = maxItems
        return .request(
            callID: callID, method: API.HealthService.watchHealth.descriptor.fullName, payload: try request.serializedData(),
            metadata: [MetadataKey.authorization: "Bearer \(token)"], timeoutMilliseconds: timeoutMilliseconds)
    }

    /// A frame of `type` with only `call_id` set.
    static func bare(_ type: Dms_V1_Frame.TypeEnum, callID: UInt64) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = type
        frame.callID = callID
        return frame
    }
}

/// Calls Health on `client` and expects SERVING: proves a connection (and the server) still work.
func expectServing(_ client: RPCClient, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let response = try await client.unary(API.HealthService.health, Dms_V1_HealthRequest(), options: .init(timeout: .seconds(5)))
    #expect(response.status == .serving, comment, sourceLocation: sourceLocation)
}

/// Opens a client connection before `body` runs and proves after it that this bystander
/// connection, and the dmsd process, were not harmed by whatever `body` did.
func withBystander(
    _ daemon: DaemonProcess, sourceLocation: SourceLocation = #_sourceLocation, _ body: (RPCClient) async throws -> Void
) async throws {
    try await RPCClient.withConnection(try daemon.clientConfiguration()) { bystander in
        try await expectServing(bystander, "bystander before", sourceLocation: sourceLocation)
        try await body(bystander)
        try await expectServing(bystander, "bystander after", sourceLocation: sourceLocation)
        #expect(daemon.process.isRunning, "dmsd is still running", sourceLocation: sourceLocation)
    }
}

/// Waits until `daemon`'s process has exited; false when it is still running after `timeout`.
func waitForExit(of daemon: DaemonProcess, within timeout: Duration) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while daemon.process.isRunning {
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
    return true
}

/// Writes `text` to `path`.
func writeFile(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Reads a stream until it ends; returns the items and the error it ended with, if any.
func collect<Item>(_ iterator: inout ServerStreamCall<Item>.Iterator, limit: Int = .max) async -> (items: [Item], error: (any Error)?) {
    var items: [Item] = []
    do {
        while items.count < limit, let item = try await iterator.next() { items.append(item) }
        return (items, nil)
    } catch {
        return (items, error)
    }
}
