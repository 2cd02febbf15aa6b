import DMSTestSupport
import Foundation
import Testing

/// Every resource command documents itself with a short example, and the nouns answer to their
/// plural aliases.
@Suite struct ResourceHelpTests {
    static let commands: [[String]] = [
        ["namespace", "create"], ["namespace", "get"], ["namespace", "list"], ["namespace", "describe"], ["namespace", "update"],
        ["namespace", "delete"],
        ["connector", "list"], ["connector", "get"],
        ["connection", "create"], ["connection", "get"], ["connection", "list"], ["connection", "describe"],
        ["connection", "update"], ["connection", "delete"], ["connection", "test"], ["connection", "upgrade"],
        ["source", "create"], ["source", "get"], ["source", "list"], ["source", "describe"], ["source", "update"],
        ["source", "delete"],
        ["target", "create"], ["target", "get"], ["target", "list"], ["target", "describe"], ["target", "update"],
        ["target", "delete"],
        ["job", "create"], ["job", "get"], ["job", "list"], ["job", "describe"], ["job", "update"], ["job", "delete"],
        ["job", "run"], ["job", "pause"], ["job", "resume"],
        ["token", "create"], ["token", "list"], ["token", "get"], ["token", "describe"], ["token", "revoke"],
        ["token", "delete"],
        ["apply"], ["delete"],
    ]

    @Test(arguments: commands)
    func helpShowsAnExampleAndTheGlobalOptionsButNoTokenFlag(command: [String]) async throws {
        let result = try await DMSCtl.run(command + ["--help"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("Example"), "\(command) --help has no example")
        #expect(result.stdout.contains("dmsctl \(command[0])"))
        #expect(result.stdout.contains("--namespace") && result.stdout.contains("--output"))
        #expect(!result.stdout.contains("--token"))
    }

    @Test(arguments: [
        ("namespaces", "namespace"), ("connections", "connection"), ("sources", "source"), ("targets", "target"),
        ("jobs", "job"), ("tokens", "token"), ("connectors", "connector"),
    ])
    func pluralAliasesReachTheSameCommand(plural: String, singular: String) async throws {
        let result = try await DMSCtl.run([plural, "list", "--help"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("USAGE: dmsctl \(singular) list"), "\(result.stdout)")
    }

    @Test func listHelpSaysHowPagingWorks() async throws {
        let result = try await DMSCtl.run(["connection", "list", "--help"])
        for flag in ["--prefix", "--limit", "--page-token", "--all"] {
            #expect(result.stdout.contains(flag), "\(flag) missing")
        }
    }
}
