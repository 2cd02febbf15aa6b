import DMSTestSupport
import Foundation
import Testing

/// Help, completion scripts and version: what works without a server.
@Suite struct HelpAndCompletionTests {
    @Test func rootHelpDocumentsEveryExitCode() async throws {
        let result = try await DMSCtl.run(["--help"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("Exit codes:"))
        for code in ["0", "1", "2", "3", "4", "5", "64"] {
            #expect(result.stdout.contains("\n  \(code) "), "exit code \(code) not documented:\n\(result.stdout)")
        }
        for name in ["NOT_FOUND", "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "UNAVAILABLE", "DEADLINE_EXCEEDED"] {
            #expect(result.stdout.contains(name))
        }
    }

    @Test func commandsThatTalkToAServerShowTheGlobalOptionsButNoTokenFlag() async throws {
        let result = try await DMSCtl.run(["health", "--help"])
        #expect(result.status == 0, "\(result.transcript)")
        for option in ["--config", "--context", "--server", "--ca-file", "--namespace", "--output", "--timeout"] {
            #expect(result.stdout.contains(option), "\(option) missing")
        }
        #expect(!result.stdout.contains("--token"))
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionPrintsAScriptForTheShell(shell: String) async throws {
        let result = try await DMSCtl.run(["completion", shell])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("dmsctl"))
        #expect(result.stdout.contains("health"))
        #expect(result.stderr.isEmpty)
    }

    @Test func versionPrintsBothVersionsWhenTheServerAnswers() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["version", "-o", "json"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["client"] as? String == "0.1.0")
            #expect(object["server"] as? String == "0.1.0")
        }
    }

    @Test func versionWithoutAServerPrintsTheClientVersionAndExitsZero() async throws {
        let result = try await DMSCtl.run(["version", "--config", "/nonexistent/config"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout == "CLIENT  0.1.0\n")
        #expect(result.stderr.hasPrefix("dmsctl: server version unknown: "))
    }
}
