import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// How long connections live: the handshake timeout, the idle timeout (and what keeps a
/// connection open), and graceful shutdown on SIGTERM.
@Suite struct ConnectionLifetimeEndToEndTests {
    // MARK: - Handshake timeout

    @Test func connectionThatNeverFinishesTLSIsClosedAfterTheHandshakeTimeout() async throws {
        // 3 s, not less: with the whole suite running on 2 cores, the bystander's own handshake was
        // seen to take over a second.
        try await DaemonProcess.with(arguments: ["--handshake-timeout", "3"]) { daemon in
            // The bystander finished its handshake long before and outlives the timeout.
            try await withBystander(daemon) { _ in
                let silent = try await RawConnection.tcp(port: daemon.port)
                _ = try await silent.readBytesUntilClosed(within: .seconds(10))

                // A client that starts a TLS record and stalls is closed the same way.
                let stalled = try await RawConnection.tcp(port: daemon.port)
                // On a loaded machine the handshake timeout may already have closed it before this
                // send: closed either way is what the test asks.
                try? await stalled.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
                _ = try await stalled.readBytesUntilClosed(within: .seconds(10))
            }
        }
    }

    // MARK: - Idle timeout

    @Test func idleConnectionWithoutCallsGetsGoAwayThenIsClosed() async throws {
        try await DaemonProcess.with(arguments: ["--idle-timeout", "1"]) { daemon in
            let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
            let frames = try await raw.readFramesUntilClosed(within: .seconds(10))
            try #require(frames.count == 1, "\(frames)")
            #expect(frames[0].type == .goaway)
            #expect(frames[0].callID == 0)
        }
    }

    // Timeouts here are 1 s rather than less: on a loaded 2-core machine, with the whole suite
    // starting a dmsd per test at once, a TLS handshake was seen to take almost 0.5 s, and dmsd's
    // idle timer runs from the TCP accept, handshake included (see
    // slowTLSHandshakeWithinTheHandshakeTimeoutIsNotCutShortByTheIdleTimer). For the same reason
    // each connection sends its first frame from the event loop the moment TLS is up: a test
    // process busy elsewhere must not look like an idle client.

    @Test func slowTLSHandshakeWithinTheHandshakeTimeoutIsNotCutShortByTheIdleTimer() async throws {
        try await DaemonProcess.with(
            arguments: ["--idle-timeout", "1", "--handshake-timeout", "20", "--log-level", "debug"]
        ) { daemon in
            // Twice, with the whole suite starting a dmsd per test on 2 cores, a connection still
            // in its handshake time was seen closed (once with 0 bytes within 2.5 s, once found
            // closed right after), with no cause found in dmsd. An idle timer that wrongly ran
            // before TLS would close every connection at 1 s: three attempts tell the two apart,
            // and every early close is reported with dmsd's debug log, which says why it closes.
            var earlyCloses: [String] = []
            for _ in 1...3 {
                guard let early = try await Self.slowHandshakeAttempt(daemon) else { return }
                earlyCloses.append(early)
            }
            Issue.record("dmsd closed three connections still in their handshake time:\n\(earlyCloses.joined(separator: "\n"))\ndmsd's log:\n\(daemon.log)")
        }
    }

    /// One connection that waits 2.5 s (over twice the 1 s idle timeout, well within the 20 s
    /// handshake timeout) before it starts TLS, then calls Health. Returns nil when that works,
    /// or what happened when the connection was closed early.
    private static func slowHandshakeAttempt(_ daemon: DaemonProcess) async throws -> String? {
        // The Health request goes out from the event loop the moment TLS is up: once it is, the
        // 1 s idle timer applies, and a test task delayed by a loaded machine must not look idle.
        let raw = try await RawConnection.tcp(port: daemon.port, firstFramesAfterTLS: [.healthRequest(callID: 1)])
        let opened = ContinuousClock.now
        func early(_ what: String) -> String {
            "\(what) after \(ContinuousClock.now - opened) (local \(raw.channel.localAddress.map { "\($0)" } ?? "?"); pipeline errors: \(raw.errors))"
        }
        do {
            let bytes = try await raw.readBytesUntilClosed(within: .milliseconds(2500))
            return early("closed with \(bytes) bytes before TLS")
        } catch is RawTimeout {
            // Still open, as it should be.
        }
        do {
            try await raw.startTLS(caFile: daemon.caFile)
        } catch {
            return early("TLS failed (\(error))")
        }
        let health = try #require(try await raw.readFrame())
        #expect(health.type == .end && health.callID == 1 && health.status.code == .ok, "\(health)")
        return nil
    }

    @Test func connectionWithAnOpenStreamIsNotClosedForIdleness() async throws {
        try await DaemonProcess.with(arguments: ["--idle-timeout", "1"]) { daemon in
            let stream = try Dms_V1_Frame.watchHealthRequest(callID: 1, token: try daemon.adminToken, intervalMilliseconds: 100)
            let started = ContinuousClock.now
            let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile, firstFrames: [stream])
            var sequences: [UInt64] = []
            while sequences.count < 25 {  // ~2.4 s: over twice the idle timeout
                let frame = try #require(try await raw.readFrame(), "closed while streaming, after \(sequences)")
                try #require(frame.type == .message && frame.callID == 1, "\(frame)")
                sequences.append(try Dms_V1_HealthResponse(serializedBytes: frame.payload).sequence)
            }
            #expect(sequences == Array(1...25))
            #expect(ContinuousClock.now - started >= .seconds(2))

            // Once the last call has ended, the idle timer applies again.
            try await raw.send(.bare(.cancel, callID: 1))
            let ending = try await raw.readFrames(untilEndOf: 1)
            #expect(ending.last?.status.code == .cancelled)
            let frames = try await raw.readFramesUntilClosed(within: .seconds(10))
            #expect(frames.map(\.type) == [.goaway], "\(frames)")
        }
    }

    @Test func keepAlivesCountAsTrafficForTheIdleTimer() async throws {
        try await DaemonProcess.with(arguments: ["--idle-timeout", "1"]) { daemon in
            let raw = try await RawConnection.tls(
                port: daemon.port, caFile: daemon.caFile, keepAliveInterval: .milliseconds(250))
            // 2.2 s of nothing but keep-alives, over twice the idle timeout: no GOAWAY, no close.
            do {
                let frame = try await raw.readFrame(within: .milliseconds(2200))
                Issue.record("got \(String(describing: frame)) while sending keep-alives")
                return
            } catch is RawTimeout {
                // Nothing arrived: the connection is still open and quiet.
            }
            raw.stopKeepAlives()
            try await raw.send(.healthRequest(callID: 1))
            let health = try #require(try await raw.readFrame())
            #expect(health.type == .end && health.callID == 1 && health.status.code == .ok)
            let frames = try await raw.readFramesUntilClosed(within: .seconds(10))
            #expect(frames.map(\.type) == [.goaway], "once quiet, it is closed: \(frames)")
        }
    }

    // MARK: - Graceful shutdown

    @Test func sigtermSendsGoAwayEndsStreamsAsUnavailableAndExitsWithZero() async throws {
        try await DaemonProcess.with(arguments: ["--drain-timeout", "120"]) { daemon in
            let configuration = try daemon.clientConfiguration()
            let streaming = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
            try await streaming.send(.watchHealthRequest(callID: 1, token: try daemon.adminToken, intervalMilliseconds: 100))
            #expect(try await streaming.readFrame()?.type == .message)
            let quiet = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)

            let signalled = try await RPCClient.withConnection(configuration) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.intervalMs = 100
                let call = try client.serverStreaming(API.HealthService.watchHealth, request)
                var iterator = call.makeAsyncIterator()
                #expect(try await iterator.next()?.sequence == 1)

                #expect(kill(daemon.process.processIdentifier, SIGTERM) == 0)
                let signalled = ContinuousClock.now
                let (_, ending) = await collect(&iterator)
                let error = try #require(ending as? RPCError, "\(String(describing: ending))")
                #expect(error.code == .unavailable)
                #expect(error.message == "server is shutting down")

                let refused = await #expect(throws: RPCError.self) {
                    try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                }
                #expect(refused?.code == .unavailable, "no new call after GOAWAY")
                return signalled
            }

            let frames = try await streaming.readFramesUntilClosed(within: .seconds(10))
            let goAway = try #require(frames.firstIndex { $0.type == .goaway }, "\(frames)")
            #expect(frames[goAway].callID == 0)
            let end = try #require(frames.lastIndex { $0.type == .end && $0.callID == 1 }, "\(frames)")
            #expect(goAway < end, "GOAWAY first, then the stream's END")
            #expect(frames[end].status.code == .unavailable)
            #expect(frames[end].status.message == "server is shutting down")

            #expect(try await quiet.readFramesUntilClosed(within: .seconds(10)).map(\.type) == [.goaway])

            // Well before the 120 s drain timeout: with no call left there is nothing to wait for.
            let exited = try await waitForExit(of: daemon, within: .seconds(60) - (ContinuousClock.now - signalled))
            #expect(exited, "dmsd still running 60 s after SIGTERM")
            #expect(daemon.process.terminationReason == .exit)
            #expect(daemon.process.terminationStatus == 0)

            let unreachable = await #expect(throws: RPCError.self) {
                try await RPCClient.withConnection(configuration) { client in
                    try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                }
            }
            #expect(unreachable?.code == .unavailable)
        }
    }
}
