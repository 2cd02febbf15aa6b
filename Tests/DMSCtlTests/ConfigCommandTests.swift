import DMSClient
import DMSTestSupport
import Foundation
import Testing

/// `dmsctl config …` on the client configuration dmsd writes, and on files made by the test.
@Suite struct ConfigCommandTests {
    @Test func getContextsMarksTheCurrentContextAndShowsItsServer() async throws {
        try await DaemonProcess.with { daemon in
            let table = try await DMSCtl.run(["config", "get-contexts"], against: daemon)
            #expect(table.status == 0, "\(table.transcript)")
            let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.first == ["CURRENT", "NAME", "SERVER", "NAMESPACE"])
            #expect(lines.dropFirst().first == ["*", "local", "127.0.0.1:\(daemon.port)", "default"])

            let json = try await DMSCtl.run(["config", "get-contexts", "-o", "json"], against: daemon)
            let contexts = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(contexts.count == 1)
            #expect(contexts.first?["name"] as? String == "local")
            #expect(contexts.first?["current"] as? Bool == true)
            #expect(contexts.first?["server"] as? String == "127.0.0.1:\(daemon.port)")
            #expect(!json.stdout.contains(try daemon.adminToken))
        }
    }

    @Test func currentContextPrintsTheName() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["config", "current-context"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout == "local\n")
        }
    }

    @Test func useContextSwitchesTheCurrentContextAndKeepsTheFilePrivate() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/config"
            try ClientConfigFile(
                currentContext: "a",
                contexts: [.init(name: "a", server: "127.0.0.1:1"), .init(name: "b", server: "127.0.0.1:2")]
            ).save(to: path)
            let result = try await DMSCtl.run(["config", "use-context", "b", "--config", path])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            #expect(try ClientConfigFile.load(from: path).currentContext == "b")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let current = try await DMSCtl.run(["config", "current-context"], environment: ["DMS_CONFIG": path])
            #expect(current.stdout == "b\n")
        }
    }

    @Test func useContextOfAnUnknownNameFailsListingTheKnownOnes() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["config", "use-context", "nowhere"], against: daemon)
            #expect(result.status == 1, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("dmsctl: "))
            #expect(result.stderr.contains("\"nowhere\""))
            #expect(result.stderr.contains("known: local"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test(arguments: ["table", "yaml", "json"])
    func viewRedactsEveryToken(format: String) async throws {
        try await DaemonProcess.with { daemon in
            let token = try daemon.adminToken
            let result = try await DMSCtl.run(["config", "view", "-o", format], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            #expect(!result.stdout.contains(token))
            #expect(!result.stderr.contains(token))
            #expect(result.stdout.contains(String(token.prefix(7)) + "…(redacted)"), "\(result.stdout)")
            #expect(result.stdout.contains("127.0.0.1:\(daemon.port)"))
        }
    }

    @Test func setContextWithTokenFromStdinMakesAWorkingContext() async throws {
        try await DaemonProcess.with { daemon in
            try await withTemporaryDirectory { directory in
                let path = "\(directory)/dms/config"
                let token = try daemon.adminToken
                let set = try await DMSCtl.run(
                    [
                        "config", "set-context", "mine", "--server", "127.0.0.1:\(daemon.port)", "--ca-file", daemon.caFile,
                        "--namespace", "default", "--token-stdin", "--config", path,
                    ],
                    stdin: token + "\n")
                #expect(set.status == 0, "\(set.transcript)")
                #expect(!set.stdout.contains(token) && !set.stderr.contains(token))
                let saved = try ClientConfigFile.load(from: path)
                #expect(saved.currentContext == "mine")
                #expect(saved.contexts.first?.token == token)
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o600)

                // WatchHealth needs a valid token: it works only if the one from stdin was stored.
                let watch = try await DMSCtl.run(
                    ["health", "--watch", "--count", "1", "--interval", "10", "--config", path])
                #expect(watch.status == 0, "\(watch.transcript)")
                #expect(watch.stdout.hasPrefix("seq=1"))
                #expect(!watch.stdout.contains(token) && !watch.stderr.contains(token))
            }
        }
    }

    @Test func setContextOfANewContextWithoutServerIsAUsageError() async throws {
        try await withTemporaryDirectory { directory in
            let result = try await DMSCtl.run(["config", "set-context", "x", "--config", "\(directory)/config"])
            #expect(result.status == 64, "\(result.transcript)")
            #expect(result.stderr.contains("--server"))
        }
    }
}
