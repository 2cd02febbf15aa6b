import DMSTestSupport
import Foundation
import Testing

/// `dmsctl connection upgrade` against a real dmsd: a postgres connection made under spec version 1
/// moves to version 2, its renamed fields carried, its password kept and never shown.
@Suite struct ConnectionUpgradeCommandTests {
    static let password = "upgrade-Secret-4e2a"

    /// Creates namespace sales and in it `pg-old`, a postgres connection under spec version 1
    /// with `sslmode` (which version 2 calls `ssl_mode`) and the password from stdin.
    private func makeVersionOneConnection(_ daemon: DaemonProcess) async throws {
        try await daemon.dmsctl(["namespace", "create", "sales"])
        try await daemon.dmsctl(
            [
                "connection", "create", "pg-old", "-n", "sales", "--type", "postgres", "--spec-version", "1", "--set", "host=db.internal",
                "--set", "port=5432", "--set", "database=shop", "--set", "user=dms", "--set", "sslmode=require", "--password-stdin",
            ], stdin: Self.password + "\n")
    }

    @Test func upgradingAVersionOneConnectionMovesItToVersionTwoKeepingThePassword() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeVersionOneConnection(daemon)
            let before = try await daemon.dmsctlJSON(["connection", "get", "pg-old", "-n", "sales"])
            #expect(before["version"] as? Int == 1)

            let upgraded = try await daemon.dmsctl(["connection", "upgrade", "pg-old", "-n", "sales", "--to-version", "2"])
            #expect(upgraded.stdout.range(of: #"(?m)^VERSION\s+2$"#, options: .regularExpression) != nil, "\(upgraded.transcript)")
            #expect(upgraded.stdout.contains(#""password":"********""#), "the password is kept, redacted: \(upgraded.stdout)")
            #expect(!upgraded.stdout.contains(Self.password) && !upgraded.stderr.contains(Self.password))

            let after = try await daemon.dmsctlJSON(["connection", "get", "pg-old", "-n", "sales"])
            #expect(after["version"] as? Int == 2)
            let schema = try #require(after["schema"] as? [String: Any])
            #expect(schema["password"] as? String == "********", "\(schema)")
            #expect(schema["ssl_mode"] as? String == "require", "sslmode is carried under its version 2 name: \(schema)")
            #expect(schema["sslmode"] == nil)
            let describe = try await daemon.dmsctl(["connection", "describe", "pg-old", "-n", "sales"])
            #expect(describe.stdout.range(of: #"(?m)^password\s+\*{8}\s+yes$"#, options: .regularExpression) != nil, "\(describe.stdout)")
            #expect(!describe.stdout.contains(Self.password))
        }
    }

    @Test func theHelpsExampleWorksOnTheCarriedSchemaAndAVersionOneFieldNameIsRefused() async throws {
        let help = try await DMSCtl.run(["connection", "upgrade", "--help"])
        #expect(help.stdout.contains("dmsctl connection upgrade pg-main --to-version 2 --set ssl_mode=require"), "\(help.stdout)")
        try await ResourceDaemon.with { daemon in
            try await makeVersionOneConnection(daemon)
            // Schema flags apply to the schema carried to version 2, where sslmode is ssl_mode: the
            // version 1 name given is refused, naming it, and nothing changes.
            let refused = try await DMSCtl.run(
                ["connection", "upgrade", "pg-old", "-n", "sales", "--to-version", "2", "--set", "sslmode=verify-full"], against: daemon)
            #expect(refused.status == 3, "\(refused.transcript)")
            #expect(refused.stderr.hasPrefix("dmsctl: INVALID_ARGUMENT: "), "\(refused.stderr)")
            #expect(refused.stderr.contains("sslmode"), "the refusal names the field: \(refused.stderr)")
            let unchanged = try await daemon.dmsctlJSON(["connection", "get", "pg-old", "-n", "sales"])
            #expect(unchanged["version"] as? Int == 1, "a refused upgrade changes nothing")

            // The example: the carried sslmode=require (now ssl_mode) is replaced by the flag.
            let example = try await daemon.dmsctlJSON(
                ["connection", "upgrade", "pg-old", "-n", "sales", "--to-version", "2", "--set", "ssl_mode=verify-full", "--set", "port=6432"])
            let schema = try #require(example["schema"] as? [String: Any], "\(example)")
            #expect(example["version"] as? Int == 2)
            #expect(schema["ssl_mode"] as? String == "verify-full")
            #expect(schema["sslmode"] == nil)
            #expect(schema["port"] as? Int == 6432)
            #expect(schema["host"] as? String == "db.internal", "the rest is carried: \(schema)")
            #expect(schema["password"] as? String == "********", "the stored password is kept")
        }
    }

    @Test func aSecondUpgradeAndAnUnknownVersionAreRefusedChangingNothing() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeVersionOneConnection(daemon)
            let unknown = try await DMSCtl.run(["connection", "upgrade", "pg-old", "-n", "sales", "--to-version", "9"], against: daemon)
            #expect(unknown.status == 3, "\(unknown.transcript)")
            #expect(unknown.stdout.isEmpty)
            #expect(unknown.stderr.contains("to_version: postgres has versions 1 to 2"), "\(unknown.stderr)")

            try await daemon.dmsctl(["connection", "upgrade", "pg-old", "-n", "sales"])
            let again = try await DMSCtl.run(["connection", "upgrade", "pg-old", "-n", "sales", "--to-version", "2"], against: daemon)
            #expect(again.status == 3, "\(again.transcript)")
            #expect(again.stderr.contains("to_version: must be newer than the connection's version 2"), "\(again.stderr)")
            let revision = try await daemon.dmsctlJSON(["connection", "get", "pg-old", "-n", "sales"])["revision"] as? String

            let negative = try await DMSCtl.run(["connection", "upgrade", "pg-old", "-n", "sales", "--to-version=-1"], against: daemon)
            #expect(negative.status == 64, "\(negative.transcript)")
            #expect(negative.stderr.contains("--to-version must be 1 or more"), "\(negative.stderr)")
            let missing = try await DMSCtl.run(["connection", "upgrade", "pg-none", "-n", "sales"], against: daemon)
            #expect(missing.status == 2, "\(missing.transcript)")

            let now = try await daemon.dmsctlJSON(["connection", "get", "pg-old", "-n", "sales"])
            #expect(now["version"] as? Int == 2)
            #expect(now["revision"] as? String == revision, "the refused upgrades changed nothing")
        }
    }
}
