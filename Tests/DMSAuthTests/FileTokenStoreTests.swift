import DMSAuth
import DMSWire
import Foundation
import Testing

@Suite struct FileTokenStoreTests {
    /// A fresh directory for one test, removed afterwards.
    static func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dms-auth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    @Test(arguments: [
        (Principal.Role.admin, String?.none),
        (.editor, "team-a"),
        (.viewer, "team-b"),
    ])
    func createdTokenFindsItsPrincipal(role: Principal.Role, namespace: String?) async throws {
        try await Self.withDirectory { directory in
            let store = try FileTokenStore(path: "\(directory)/tokens.json")
            #expect(store.isEmpty)
            let token = try store.create(name: "t", role: role, namespace: namespace)
            #expect(AccessToken.isWellFormed(token))
            #expect(!store.isEmpty)
            let principal = try #require(try await store.principal(for: token))
            #expect(principal.role == role)
            #expect(principal.namespace == namespace)
            #expect(!principal.tokenID.isEmpty)
        }
    }

    @Test func unknownTokenHasNoPrincipal() async throws {
        try await Self.withDirectory { directory in
            let store = try FileTokenStore(path: "\(directory)/tokens.json")
            let token = try store.create(name: "admin", role: .admin)
            #expect(try await store.principal(for: AccessToken.generate()) == nil)
            #expect(try await store.principal(for: "") == nil)
            #expect(try await store.principal(for: String(token.dropLast())) == nil)
            #expect(try await store.principal(for: AccessToken.digest(token)) == nil, "the digest is not a token")
        }
    }

    @Test func eachTokenFindsItsOwnPrincipal() async throws {
        try await Self.withDirectory { directory in
            let store = try FileTokenStore(path: "\(directory)/tokens.json")
            let admin = try store.create(name: "admin", role: .admin)
            let viewer = try store.create(name: "viewer", role: .viewer, namespace: "ns")
            let adminPrincipal = try #require(try await store.principal(for: admin))
            let viewerPrincipal = try #require(try await store.principal(for: viewer))
            #expect(adminPrincipal.role == .admin)
            #expect(viewerPrincipal.role == .viewer)
            #expect(adminPrincipal.tokenID != viewerPrincipal.tokenID)
        }
    }

    @Test func fileIsPrivateAndHoldsOnlyTheDigest() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/tokens.json"
            let store = try FileTokenStore(path: path)
            let token = try store.create(name: "bootstrap-admin", role: .admin)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains(token))
            #expect(!text.contains(String(token.dropFirst(4))))
            #expect(text.contains(AccessToken.digest(token)))
            #expect(text.contains("bootstrap-admin"))
            // No temporary file is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["tokens.json"])
        }
    }

    @Test func reopenedStoreStillFindsTheToken() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/tokens.json"
            let token = try FileTokenStore(path: path).create(name: "a", role: .editor, namespace: "ns1")
            let reopened = try FileTokenStore(path: path)
            #expect(!reopened.isEmpty)
            let principal = try #require(try await reopened.principal(for: token))
            #expect(principal.role == .editor)
            #expect(principal.namespace == "ns1")
            // And adding to the reopened store keeps the first token.
            let second = try reopened.create(name: "b", role: .viewer, namespace: "ns2")
            let third = try FileTokenStore(path: path)
            #expect(try await third.principal(for: token)?.namespace == "ns1")
            #expect(try await third.principal(for: second)?.namespace == "ns2")
        }
    }

    @Test(arguments: ["not json at all", "{\"tokens\": []}", "[{\"id\": 1}]", ""])
    func corruptFileGivesAnErrorNamingIt(content: String) async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/tokens.json"
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: TokenStoreError.self) { try FileTokenStore(path: path) }
            #expect(error.description.contains(path))
            #expect(error.description.contains("not a valid token file"))
        }
    }
}
