import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Multiplexing, deadlines, cancellation, the per-connection cap and keep-alives, against a real
/// dmsd through the Swift client and through raw frames.
@Suite struct CallLifecycleEndToEndTests {
    @Test func hundredConcurrentUnaryCallsAllSucceedOnOneConnection() async throws {
        try await DaemonProcess.with { daemon in
            let responses = try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                try await withThrowingTaskGroup(of: Dms_V1_HealthResponse.self) { group in
                    for _ in 0..<100 {
                        group.addTask { try await client.unary(API.HealthService.health, Dms_V1_HealthRequest()) }
                    }
                    var responses: [Dms_V1_HealthResponse] = []
                    for try await response in group { responses.append(response) }
                    return responses
                }
            }
            #expect(responses.count == 100)
            #expect(responses.allSatisfy { $0.status == .serving })
            #expect(responses.map(\.connections).allSatisfy { $0 == 1 }, "every call saw exactly one connection")
            #expect(responses.map(\.activeCalls).allSatisfy { (1...100).contains($0) })
        }
    }

    @Test func streamWhoseDeadlinePassesEndsWithDeadlineExceeded() async throws {
        try await DaemonProcess.with { daemon in
            try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.intervalMs = 1000
                let call = try client.serverStreaming(
                    API.HealthService.watchHealth, request, options: .init(timeout: .milliseconds(200)))
                var iterator = call.makeAsyncIterator()
                let (items, error) = await collect(&iterator)
                // The first item is sent at once (it may still lose the race on a loaded machine);
                // the second would come only after 1 s, well past the deadline.
                #expect(items.map(\.sequence) == [1] || items.isEmpty, "got \(items.map(\.sequence))")
                let rpcError = try #require(error as? RPCError, "ended with \(String(describing: error))")
                #expect(rpcError.code == .deadlineExceeded)
                try await expectServing(client, "the connection outlives the expired call")
            }
        }
    }

    @Test func serverEndsARawRequestWithDeadlineExceededWhenItsTimeoutPasses() async throws {
        try await DaemonProcess.with { daemon in
            let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
            try await raw.send(
                .watchHealthRequest(callID: 1, token: try daemon.adminToken, intervalMilliseconds: 1000, timeoutMilliseconds: 150))
            let frames = try await raw.readFrames(untilEndOf: 1, within: .seconds(5))
            #expect(frames.dropLast().allSatisfy { $0.type == .message && $0.callID == 1 })
            #expect(frames.count == 2, "one item, then the END: \(frames)")
            let end = try #require(frames.last)
            #expect(end.status.code == .deadlineExceeded)
            #expect(end.payload.isEmpty)

            try await raw.send(.healthRequest(callID: 2))
            let health = try #require(try await raw.readFrame())
            #expect(health.type == .end && health.callID == 2 && health.status.code == .ok)
            await raw.close()
        }
    }

    @Test func cancelledStreamEndsWithCancelledAndTheConnectionKeepsWorking() async throws {
        try await DaemonProcess.with { daemon in
            try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.intervalMs = 10
                let call = try client.serverStreaming(API.HealthService.watchHealth, request)
                var iterator = call.makeAsyncIterator()
                let (firstItems, early) = await collect(&iterator, limit: 3)
                #expect(early == nil)
                #expect(firstItems.map(\.sequence) == [1, 2, 3])

                call.cancel()
                let (_, ending) = await collect(&iterator)
                let rpcError = try #require(ending as? RPCError, "ended with \(String(describing: ending))")
                #expect(rpcError.code == .cancelled)

                let health = try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                #expect(health.status == .serving)
                #expect(health.activeCalls == 1, "only the Health call itself is in flight")
                #expect(health.connections == 1)
            }
        }
    }

    @Test func callOverThePerConnectionCapIsRefusedAndTheNextFitsAfterACancel() async throws {
        try await DaemonProcess.with(arguments: ["--max-calls-per-connection", "2"]) { daemon in
            try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.intervalMs = 50
                let first = try client.serverStreaming(API.HealthService.watchHealth, request)
                let second = try client.serverStreaming(API.HealthService.watchHealth, request)
                var firstItems = first.makeAsyncIterator()
                var secondItems = second.makeAsyncIterator()
                #expect(try await firstItems.next()?.sequence == 1)
                #expect(try await secondItems.next()?.sequence == 1)

                let refused = await #expect(throws: RPCError.self) {
                    try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                }
                #expect(refused?.code == .resourceExhausted)
                #expect(refused?.message.contains("2") == true, "names the limit: \(refused?.message ?? "")")

                // The cap is per connection: another connection is not affected.
                try await RPCClient.withConnection(try daemon.clientConfiguration()) { other in
                    try await expectServing(other)
                }

                first.cancel()
                let (_, ending) = await collect(&firstItems)
                #expect((ending as? RPCError)?.code == .cancelled)

                let health = try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                #expect(health.status == .serving)
                #expect(try await secondItems.next() != nil, "the other stream still runs")

                second.cancel()
                let (_, secondEnding) = await collect(&secondItems)
                #expect((secondEnding as? RPCError)?.code == .cancelled)
            }
        }
    }

    @Test func keepAliveFramesAreIgnoredBetweenCalls() async throws {
        try await DaemonProcess.with { daemon in
            let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
            try await raw.send([0, 0, 0, 0])  // before any call
            try await raw.send(.healthRequest(callID: 1))
            let first = try #require(try await raw.readFrame())
            #expect(first.type == .end && first.callID == 1 && first.status.code == .ok)

            try await raw.send([0, 0, 0, 0, 0, 0, 0, 0])  // two between calls
            try await raw.send(.healthRequest(callID: 2))
            let second = try #require(try await raw.readFrame())
            #expect(second.type == .end && second.callID == 2 && second.status.code == .ok)
            let response = try Dms_V1_HealthResponse(serializedBytes: second.payload)
            #expect(response.status == .serving)
            await raw.close()
        }
    }

    @Test func unknownMethodAndUndecodablePayloadFailOnlyTheirCall() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.send(.request(callID: 1, method: "dms.v1.NoSuchService/Nothing", payload: Data()))
                let unknown = try #require(try await raw.readFrame())
                #expect(unknown.type == .end && unknown.callID == 1)
                #expect(unknown.status.code == .unimplemented)
                #expect(unknown.status.message == "unknown method dms.v1.NoSuchService/Nothing")

                var undecodable = Dms_V1_Frame.healthRequest(callID: 2)
                undecodable.payload = Data([0xFF, 0xFF, 0xFF])
                try await raw.send(undecodable)
                let invalid = try #require(try await raw.readFrame())
                #expect(invalid.type == .end && invalid.callID == 2)
                #expect(invalid.status.code == .invalidArgument)

                try await raw.send(.healthRequest(callID: 3))
                let health = try #require(try await raw.readFrame(), "the connection stays open")
                #expect(health.type == .end && health.callID == 3 && health.status.code == .ok)
                await raw.close()
            }
        }
    }
}
