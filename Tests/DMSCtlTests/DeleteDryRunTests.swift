import DMSTestSupport
import Foundation
import Testing

/// `dmsctl delete -f … --dry-run`: says what it would delete, in reverse dependency order, and
/// deletes nothing.
@Suite struct DeleteDryRunTests {
    @Test func aDryRunListsWhatWouldGoLastDependencyFirstAndDeletesNothing() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(ApplyCommandTests.documents(), into: directory)
                try await daemon.dmsctl(["apply", "-f", directory], environment: ApplyCommandTests.environment)
                let planned = try await daemon.dmsctl(["delete", "-f", directory, "--dry-run"])
                #expect(planned.lines == ApplyCommandTests.applyOrder.reversed().map { "\($0) would delete" }, "\(planned.transcript)")
                #expect(planned.stderr.isEmpty, "\(planned.stderr)")

                for (noun, name) in [
                    ("job", "nightly"), ("source", "orders"), ("source", "customers"), ("target", "warehouse"), ("connection", "pg-main"),
                ] {
                    let got = try await daemon.dmsctlJSON([noun, "get", name, "-n", "shop"])
                    #expect(got["name"] as? String == name, "\(noun)/\(name) is still there")
                }
                try await daemon.dmsctl(["namespace", "get", "shop"])
            }
        }
    }

    @Test func aDryRunSaysNotFoundForWhatIsAlreadyGoneAndItsJSONIsOneObjectPerDocument() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(ApplyCommandTests.documents(), into: directory)
                try await daemon.dmsctl(["namespace", "create", "shop"])
                let planned = try await daemon.dmsctl(["delete", "-f", directory, "--dry-run", "-o", "json"])
                let outcomes = try planned.lines.map {
                    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\(planned.transcript)")
                }
                #expect(outcomes.map { "\($0["kind"] as? String ?? "")/\($0["name"] as? String ?? "")" } == ApplyCommandTests.applyOrder.reversed())
                #expect(outcomes.map { $0["result"] as? String } == Array(repeating: "not found", count: 5) + ["would delete"])
                try await daemon.dmsctl(["namespace", "get", "shop"])
            }
        }
    }

    @Test func aDryRunOfDocumentsThatDoNotCheckSendsNothingAndExits64() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(["bad.yaml": "kind: Namespace\nmetadata: {name: Shop}\n"], into: directory)
                try await daemon.dmsctl(["namespace", "create", "shop"])
                let result = try await DMSCtl.run(["delete", "-f", directory, "--dry-run"], against: daemon)
                #expect(result.status == 64, "\(result.transcript)")
                #expect(result.stdout.isEmpty)
                #expect(result.stderr.contains("bad.yaml, document 1: metadata.name: \"Shop\""), "\(result.stderr)")
                try await daemon.dmsctl(["namespace", "get", "shop"])
            }
        }
    }
}
