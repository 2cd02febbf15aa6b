import DMSClient
import DMSTestSupport
import Foundation
import Testing

/// The global `--context NAME`: one call goes to that context's server, with its token and
/// namespace, whatever the current context is; the file is left as it was.
@Suite struct ContextOptionTests {
    /// Starts a dmsd and writes a configuration file with its context as `live`, a copy pointing
    /// at a port nobody listens on as `dead`, and `current` as the current context; runs `body`
    /// with the file's path and the dead port.
    private func withTwoContexts(current: String, _ body: (_ path: String, _ deadPort: Int) async throws -> Void) async throws {
        try await DaemonProcess.with { daemon in
            try await withTemporaryDirectory { directory in
                let path = "\(directory)/config"
                let deadPort = try FreePort.find()
                var live = try #require(try ClientConfigFile.load(from: daemon.clientConfigFile).contexts.first)
                live.name = "live"
                var dead = live
                dead.name = "dead"
                dead.server = "127.0.0.1:\(deadPort)"
                try ClientConfigFile(currentContext: current, contexts: [dead, live]).save(to: path)
                try await body(path, deadPort)
            }
        }
    }

    @Test func contextReachesThatContextsServerNotTheCurrentOne() async throws {
        try await withTwoContexts(current: "dead") { path, deadPort in
            let current = try await DMSCtl.run(["health", "--config", path])
            #expect(current.status == 5, "the current context is the dead one: \(current.transcript)")
            #expect(current.stderr.contains("127.0.0.1:\(deadPort)"), "\(current.stderr)")

            // namespace list needs a token: the chosen context's, not the current one's.
            let other = try await DMSCtl.run(["namespace", "list", "--context", "live", "--config", path])
            #expect(other.status == 0, "\(other.transcript)")
            #expect(other.stdout.hasPrefix("NAME"), "\(other.stdout)")
            #expect(try ClientConfigFile.load(from: path).currentContext == "dead", "--context does not switch the current context")
        }
    }

    @Test func contextAlsoTurnsAwayFromALiveCurrentContext() async throws {
        try await withTwoContexts(current: "live") { path, deadPort in
            #expect(try await DMSCtl.run(["health", "--config", path]).status == 0)
            let dead = try await DMSCtl.run(["health", "--context", "dead", "--config", path])
            #expect(dead.status == 5, "\(dead.transcript)")
            #expect(dead.stdout.isEmpty)
            #expect(dead.stderr == "dmsctl: cannot reach dmsd at 127.0.0.1:\(deadPort): connection refused\n", "\(dead.stderr)")
        }
    }

    @Test func anUnknownContextFailsNamingTheKnownOnesAndSendsNothing() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/config"
            try ClientConfigFile(currentContext: "a", contexts: [.init(name: "a", server: "127.0.0.1:1"), .init(name: "b", server: "127.0.0.1:2")])
                .save(to: path)
            let result = try await DMSCtl.run(["namespace", "list", "--context", "nowhere", "--config", path])
            #expect(result.status == 1, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "dmsctl: no context named \"nowhere\" (known: a, b)\n", "\(result.stderr)")
        }
    }
}
