import DMSTestSupport
import Foundation
import Testing

/// Proves a client in another language can use DMS: the C client in Tests/CClient, built here
/// with protoc-c, libprotobuf-c and OpenSSL, calls Health and WatchHealth (including a
/// cancellation and an unauthenticated call) against a real dmsd over TLS.
@Suite struct CClientInteropTests {
    @Test func cClientSpeaksTheProtocol() async throws {
        try await withTemporaryDirectory { buildDirectory in
            let build = try await runProcess("/bin/bash", ["\(Binaries.packageRoot)/Tests/CClient/build.sh", buildDirectory])
            try #require(build.status == 0, "C client build failed:\n\(build.stderr)")
            try await DaemonProcess.with { daemon in
                var environment = ProcessInfo.processInfo.environment
                environment["DMS_TOKEN"] = try daemon.adminToken
                for host in ["127.0.0.1", "localhost"] {
                    let run = try await runProcess(
                        "\(buildDirectory)/dms-health-client", [host, "\(daemon.port)", daemon.caFile], environment: environment)
                    #expect(run.status == 0, "C client against \(host) failed:\n\(run.stdout)\n\(run.stderr)")
                    #expect(run.stdout.contains("health status=SERVING version=0.1.0 protocol=dms.v1"))
                    #expect(run.stdout.contains("cancel end status=CANCELLED"))
                    #expect(run.stdout.hasSuffix("ALL OK\n"))
                }
            }
        }
    }
}
