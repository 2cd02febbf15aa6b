import DMSAPI
import DMSClient
import DMSProto
import DMSTLS
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Peers that break the protocol are refused cleanly, one connection at a time: each test keeps a
/// bystander client connected across the abuse and proves it (and dmsd) still work afterwards.
@Suite struct HostilePeerEndToEndTests {
    // MARK: - Oversize and truncated frames

    @Test func lengthPrefixOfFourGiBIsRefusedNamingTheLimitThenClosed() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.sendLengthPrefix(0xFFFF_FFFF)
                let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                try #require(frames.count == 1, "one END, then the close: \(frames)")
                #expect(frames[0].type == .end && frames[0].callID == 0)
                #expect(frames[0].status.code == .resourceExhausted)
                #expect(frames[0].status.message == "frame of 4294967295 bytes exceeds the limit of 4194304 bytes")
            }
        }
    }

    @Test func frameOneByteOverAConfiguredLimitIsRefusedThenClosed() async throws {
        try await DaemonProcess.with(arguments: ["--max-frame-bytes", "65536"]) { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.sendLengthPrefix(65537)
                try? await raw.send([UInt8](repeating: 0x08, count: 100))  // the start of a body, never buffered
                let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                try #require(frames.count == 1, "one END, then the close: \(frames)")
                #expect(frames[0].type == .end && frames[0].callID == 0)
                #expect(frames[0].status.code == .resourceExhausted)
                #expect(frames[0].status.message.contains("limit of 65536 bytes"), "\(frames[0].status.message)")
                #expect(frames[0].status.message.contains("65537"))
            }
        }
    }

    @Test func frameExactlyAtAConfiguredLimitIsAccepted() async throws {
        try await DaemonProcess.with(arguments: ["--max-frame-bytes", "65536"]) { daemon in
            var request = Dms_V1_Frame.healthRequest(callID: 1)
            var padding = 65536 - 100
            while true {
                request.metadata["padding"] = String(repeating: "x", count: padding)
                let size = try request.serializedData().count
                if size == 65536 { break }
                padding += 65536 - size
            }
            let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
            try await raw.send(request)
            let end = try #require(try await raw.readFrame())
            #expect(end.type == .end && end.callID == 1 && end.status.code == .ok)
            await raw.close()
        }
    }

    @Test(arguments: [false, true])
    func truncatedFrameThenCloseLeavesTheServerServing(halfCloseFirst: Bool) async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { bystander in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.sendLengthPrefix(100)
                try await raw.send([UInt8](repeating: 0x08, count: 10))
                try await expectServing(bystander, "while the truncated frame is pending")
                if halfCloseFirst {
                    try? await raw.channel.close(mode: .output)
                    let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                    #expect(frames.isEmpty, "nothing to answer for a frame cut short: \(frames)")
                }
                await raw.close()
            }
        }
    }

    // MARK: - Garbage

    @Test func randomBytesAfterTLSCloseTheConnectionWithAConnectionLevelEnd() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                for seed: UInt64 in [1, 2, 3, 0xD5] {
                    var generator = SeededGenerator(seed: seed)
                    let bytes = (0..<4096).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
                    let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                    try? await raw.send(bytes)  // the server may close before it has read them all
                    let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                    for end in frames where end.callID == 0 {
                        #expect(end.type == .end, "seed \(seed): \(end)")
                        #expect([.invalidArgument, .resourceExhausted].contains(end.status.code), "seed \(seed): \(end)")
                    }
                    if let last = frames.last {
                        #expect(last.type == .end && last.callID == 0, "seed \(seed): the last frame is about the connection")
                    }
                }
            }
        }
    }

    @Test func malformedFrameBodyIsRefusedWithInvalidArgumentThenClosed() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.send([0, 0, 0, 3, 0xFF, 0xFF, 0xFF])
                let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                try #require(frames.count == 1, "\(frames)")
                #expect(frames[0].type == .end && frames[0].callID == 0)
                #expect(frames[0].status.code == .invalidArgument)
                #expect(frames[0].status.message.contains("dms.v1.Frame"))
            }
        }
    }

    @Test func plaintextClientsAreDisconnected() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let http = try await RawConnection.tcp(port: daemon.port)
                try? await http.send(Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".utf8))
                _ = try await http.readBytesUntilClosed(within: .seconds(5))

                let frame = try await RawConnection.tcp(port: daemon.port)
                try? await frame.send(.healthRequest(callID: 1))
                _ = try await frame.readBytesUntilClosed(within: .seconds(5))
            }
        }
    }

    // MARK: - TLS trust

    @Test func clientTrustingAnotherCAFailsTheHandshakeAtConnect() async throws {
        try await withTemporaryDirectory { directory in
            let stranger = try CertificateAuthority(commonName: "Some other CA")
            let strangerFile = "\(directory)/other-ca.pem"
            try writeFile(try stranger.certificatePEM, to: strangerFile)
            try await DaemonProcess.with { daemon in
                try await withBystander(daemon) { _ in
                    var configuration = try daemon.clientConfiguration()
                    configuration.caFile = strangerFile
                    let error = await #expect(throws: RPCError.self) {
                        try await RPCClient.withConnection(configuration) { client in
                            try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                        }
                    }
                    #expect(error?.code == .unavailable)
                    #expect(error?.message.contains("TLS handshake") == true, "\(String(describing: error))")
                }
            }
        }
    }

    // MARK: - Protocol errors

    @Test func requestWithCallIDZeroIsAProtocolErrorThatClosesTheConnection() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.send(.healthRequest(callID: 0))
                let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                try #require(frames.count == 1, "\(frames)")
                #expect(frames[0].type == .end && frames[0].callID == 0)
                #expect(frames[0].status.code == .invalidArgument)
                #expect(frames[0].status.message.contains("call_id 0"), "\(frames[0].status.message)")
            }
        }
    }

    @Test(arguments: [Dms_V1_Frame.TypeEnum.message, .end, .goaway, .unspecified])
    func frameTypesOnlyTheServerSendsAreProtocolErrorsThatCloseTheConnection(type: Dms_V1_Frame.TypeEnum) async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.send(.bare(type, callID: 1))
                let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                try #require(frames.count == 1, "\(frames)")
                #expect(frames[0].type == .end && frames[0].callID == 0)
                #expect(frames[0].status.code == .invalidArgument)
            }
        }
    }

    @Test func requestReusingTheIDOfAnOpenCallIsAProtocolError() async throws {
        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let raw = try await RawConnection.tls(port: daemon.port, caFile: daemon.caFile)
                try await raw.send(.watchHealthRequest(callID: 7, token: try daemon.adminToken, intervalMilliseconds: 1000))
                let item = try #require(try await raw.readFrame())
                #expect(item.type == .message && item.callID == 7)
                try await raw.send(.healthRequest(callID: 7))
                let frames = try await raw.readFramesUntilClosed(within: .seconds(5))
                let end = try #require(frames.first { $0.callID == 0 }, "\(frames)")
                #expect(end.type == .end && end.status.code == .invalidArgument)
                #expect(end.status.message.contains("7"), "\(end.status.message)")
            }
        }
    }
}
