import DMSTestSupport
import Foundation
import Testing

/// `dmsctl token delete` and `token describe`, and what `token` says about changing a token.
@Suite struct TokenCommandTests {
    /// Creates namespace sales and in it token ci with `role`; returns its secret and id.
    private func makeToken(_ daemon: DaemonProcess, role: String) async throws -> (secret: String, id: String) {
        try await daemon.dmsctl(["namespace", "create", "sales"])
        let created = try await daemon.dmsctlJSON(["token", "create", "ci", "--role", role, "-n", "sales", "--ttl", "1d"])
        let secret = try #require(created["secret"] as? String)
        return (secret, try #require((created["token"] as? [String: Any])?["id"] as? String))
    }

    @Test func deleteRevokesTheTokenAtOnceLikeRevoke() async throws {
        try await ResourceDaemon.with { daemon in
            let (secret, id) = try await makeToken(daemon, role: "viewer")
            #expect(try await DMSCtl.run(["namespace", "get", "sales"], against: daemon, environment: ["DMS_TOKEN": secret]).status == 0)

            let deleted = try await daemon.dmsctl(["token", "delete", "ci", "-n", "sales"])
            #expect(deleted.stdout == "token/ci revoked\n", "\(deleted.transcript)")
            let refused = try await DMSCtl.run(["namespace", "get", "sales"], against: daemon, environment: ["DMS_TOKEN": secret])
            #expect(refused.status == 4, "a deleted token stops working: \(refused.transcript)")
            let listed = try await daemon.dmsctl(["token", "list", "-n", "sales"])
            #expect(!listed.lines.dropFirst().contains { $0.hasPrefix("ci ") }, "\(listed.stdout)")
            let kept = try await daemon.dmsctl(["token", "list", "-n", "sales", "--include-revoked"])
            #expect(kept.stdout.contains("revoked"), "the record stays, revoked: \(kept.stdout)")

            // By name only live tokens are found, as a second delete of any noun finds nothing; by
            // id the revoked token is found and stays revoked.
            let again = try await DMSCtl.run(["token", "delete", "ci", "-n", "sales"], against: daemon)
            #expect(again.status == 2, "\(again.transcript)")
            #expect(again.stderr == "dmsctl: NOT_FOUND: no such token\n")
            let byID = try await daemon.dmsctl(["token", "delete", "--id", id, "-o", "json"])
            let outcome = try JSONSerialization.jsonObject(with: Data(byID.stdout.utf8)) as? [String: String]
            #expect(outcome == ["kind": "token", "name": "ci", "namespace": "sales", "result": "revoked"], "\(byID.stdout)")
        }
    }

    @Test func revokeStillWorks() async throws {
        try await ResourceDaemon.with { daemon in
            try await daemon.dmsctl(["token", "create", "ops", "--role", "admin"])
            let revoked = try await daemon.dmsctlJSON(["token", "revoke", "ops"])
            #expect(revoked["name"] as? String == "ops")
            #expect(revoked["revokeTime"] != nil, "\(revoked)")
        }
    }

    @Test func deleteAndDescribeOfAnUnknownTokenExitTwo() async throws {
        try await ResourceDaemon.with { daemon in
            for verb in ["delete", "describe"] {
                let result = try await DMSCtl.run(["token", verb, "nobody"], against: daemon)
                #expect(result.status == 2, "\(verb): \(result.transcript)")
                #expect(result.stdout.isEmpty && result.stderr.hasPrefix("dmsctl: NOT_FOUND: "), "\(result.transcript)")
            }
            let neither = try await DMSCtl.run(["token", "delete"], against: daemon)
            #expect(neither.status == 64, "\(neither.transcript)")
        }
    }

    @Test func describeSaysWhatATokenMayDoUntilItIsRevoked() async throws {
        try await ResourceDaemon.with { daemon in
            let (secret, id) = try await makeToken(daemon, role: "editor")

            let table = try await daemon.dmsctl(["token", "describe", "ci", "-n", "sales"])
            #expect(table.value(of: "NAME") == "ci" && table.value(of: "ROLE") == "editor", "\(table.stdout)")
            #expect(table.value(of: "STATUS") == "active")
            #expect(table.value(of: "ALLOWS") == "reads, creates, changes, deletes and runs the resources of namespace sales", "\(table.stdout)")
            #expect(table.value(of: "EXPIRES")?.hasPrefix("20") == true, "\(table.stdout)")
            #expect(!table.stdout.contains(secret))

            try await daemon.dmsctl(["token", "delete", "ci", "-n", "sales"])
            let gone = try await DMSCtl.run(["token", "describe", "ci", "-n", "sales"], against: daemon)
            #expect(gone.status == 2, "by name only live tokens are found: \(gone.transcript)")
            let json = try await daemon.dmsctlJSON(["token", "describe", "--id", id])
            #expect(json["status"] as? String == "revoked", "\(json)")
            #expect(json["allows"] as? String == "nothing (revoked)")
            #expect(json["role"] as? String == "TOKEN_ROLE_EDITOR")
            #expect(!json.values.contains { "\($0)".contains(secret) })
        }
    }

    @Test func tokensAreImmutableSoThereIsNoUpdate() async throws {
        let help = try await DMSCtl.run(["token", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Tokens are immutable"), "\(help.stdout)")
        #expect(help.stdout.contains("delete") && help.stdout.contains("describe"))
        let update = try await DMSCtl.run(["token", "update", "ci"])
        #expect(update.status == 64, "\(update.transcript)")
        #expect(update.stderr.contains("update"), "\(update.stderr)")
    }
}
