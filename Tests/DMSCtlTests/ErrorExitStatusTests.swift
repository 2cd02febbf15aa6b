import DMSClient
import DMSTestSupport
import Foundation
import Testing

/// Failures end with one readable line on stderr, nothing on stdout, and the documented status.
@Suite struct ErrorExitStatusTests {
    static let forgedToken = "dms_" + String(repeating: "A", count: 43)

    @Test(arguments: [["health"], ["health", "--watch", "--count", "1"]])
    func aBadTokenExitsFourSayingInvalidToken(arguments: [String]) async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(arguments, against: daemon, environment: ["DMS_TOKEN": Self.forgedToken])
            #expect(result.status == 4, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "dmsctl: UNAUTHENTICATED: invalid token\n")
            #expect(!result.stderr.contains(Self.forgedToken))
        }
    }

    @Test func anUnreachableServerExitsFiveSayingCannotReach() async throws {
        let port = try closedPort()
        let result = try await DMSCtl.run(["health", "--server", "127.0.0.1:\(port)", "--config", "/nonexistent/config"])
        #expect(result.status == 5, "\(result.transcript)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "dmsctl: cannot reach dmsd at 127.0.0.1:\(port): connection refused\n", "\(result.stderr)")
    }

    @Test func aServerWhoseCertificateTheCADoesNotVouchForExitsFive() async throws {
        try await DaemonProcess.with { daemon in
            try await DaemonProcess.with { other in
                // The other daemon's CA did not sign this daemon's certificate.
                let result = try await DMSCtl.run(["health", "--ca-file", other.caFile], against: daemon)
                #expect(result.status == 5, "\(result.transcript)")
                #expect(result.stdout.isEmpty)
                #expect(result.stderr.hasPrefix("dmsctl: TLS handshake with 127.0.0.1:\(daemon.port) failed"), "\(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            }
        }
    }

    @Test func aRefusedRequestExitsThreeListingEachViolation() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["health", "--watch", "--interval", "5"], against: daemon)
            #expect(result.status == 3, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first?.hasPrefix("dmsctl: INVALID_ARGUMENT: ") == true, "\(result.stderr)")
            #expect(lines.contains("  interval_ms: must be 0 (1000) or at least 10"), "\(result.stderr)")
        }
    }

    @Test(arguments: [
        ["health", "--output", "xml"], ["health", "--bogus"], ["health", "--timeout", "0"], ["health", "--server", "a:b:c"],
        ["completion", "tcsh"], ["config", "use-context"], ["nonsense"],
    ])
    func usageErrorsExitSixtyFour(arguments: [String]) async throws {
        let result = try await DMSCtl.run(arguments, environment: ["DMS_CONFIG": "/nonexistent/config"])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test func noConfigurationExitsOneNamingTheFile() async throws {
        let result = try await DMSCtl.run(["health", "--config", "/nonexistent/config"])
        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.stderr.hasPrefix("dmsctl: no client configuration at /nonexistent/config"), "\(result.stderr)")
    }

    /// A loopback port nothing listens on: bound, then closed.
    private func closedPort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSupportError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
