import DMSClient
import DMSTestSupport
import Foundation
import Testing

@Suite struct ClientConfigFileTests {
    static let local = ClientConfigFile.Context(
        name: "local", server: "127.0.0.1:7443", caFile: "/data/tls/ca.pem", serverName: "localhost",
        token: "dms_secret", namespace: "default", clientCertificateFile: "/c.pem", clientKeyFile: "/c-key.pem")
    static let prod = ClientConfigFile.Context(name: "prod", server: "dms.example.com:7443")

    @Test func saveAndLoadRoundTripEveryField() async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/nested/dir/config"
            let file = ClientConfigFile(currentContext: "prod", contexts: [Self.local, Self.prod])
            try file.save(to: path)
            #expect(try ClientConfigFile.load(from: path) == file)
        }
    }

    @Test func savedFileIsPrivateAndUsesTheDocumentedKeys() async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/dms/config"
            try ClientConfigFile(currentContext: "local", contexts: [Self.local]).save(to: path)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for key in ["current-context: local", "ca-file:", "server-name:", "client-certificate-file:", "client-key-file:", "token: dms_secret"] {
                #expect(text.contains(key), "\(key) missing from:\n\(text)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/dms") == ["config"], "temporary file left behind")
        }
    }

    @Test func savingAgainReplacesTheFile() async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/config"
            try ClientConfigFile(currentContext: "local", contexts: [Self.local, Self.prod]).save(to: path)
            let smaller = ClientConfigFile(currentContext: "prod", contexts: [Self.prod])
            try smaller.save(to: path)
            #expect(try ClientConfigFile.load(from: path) == smaller)
        }
    }

    @Test func handWrittenYAMLLoads() async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/config"
            try """
                current-context: local
                contexts:
                - name: local
                  server: 127.0.0.1:7443
                  ca-file: /home/me/.local/share/dms/tls/ca.pem
                  token: dms_abc
                  namespace: default
                """.write(toFile: path, atomically: true, encoding: .utf8)
            let context = try ClientConfigFile.load(from: path).context(named: nil)
            #expect(context == .init(
                name: "local", server: "127.0.0.1:7443", caFile: "/home/me/.local/share/dms/tls/ca.pem", token: "dms_abc",
                namespace: "default"))
        }
    }

    @Test func missingFileIsAnEmptyConfiguration() async throws {
        try await withTemporaryDirectory { root in
            let loaded = try ClientConfigFile.load(from: "\(root)/nope")
            #expect(loaded == ClientConfigFile())
        }
    }

    @Test(arguments: ["contexts: 5", "- just\n- a list", "current-context: [unclosed"])
    func invalidFileGivesAnErrorNamingIt(content: String) async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/config"
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: ClientConfigError.self) { try ClientConfigFile.load(from: path) }
            #expect(error.description.contains(path))
        }
    }

    @Test func contextByNameOrTheCurrentOne() throws {
        let file = ClientConfigFile(currentContext: "prod", contexts: [Self.local, Self.prod])
        #expect(try file.context(named: nil) == Self.prod)
        #expect(try file.context(named: "local") == Self.local)
    }

    @Test func unknownContextErrorListsTheKnownContexts() throws {
        let file = ClientConfigFile(currentContext: "prod", contexts: [Self.local, Self.prod])
        let error = try #require(throws: ClientConfigError.self) { try file.context(named: "staging") }
        #expect(error.description.contains("\"staging\""))
        #expect(error.description.contains("local, prod"))
        let dangling = ClientConfigFile(currentContext: "gone", contexts: [Self.local])
        let danglingError = try #require(throws: ClientConfigError.self) { try dangling.context(named: nil) }
        #expect(danglingError.description.contains("\"gone\"") && danglingError.description.contains("local"))
    }

    @Test func noContextSelectedTellsWhatToDo() throws {
        let error = try #require(throws: ClientConfigError.self) { try ClientConfigFile(contexts: [Self.local]).context(named: nil) }
        #expect(error.description.contains("use-context"))
    }

    @Test func upsertAddsAndSetsCurrentOnlyWhenNone() {
        var file = ClientConfigFile()
        file.upsert(Self.local)
        #expect(file.currentContext == "local")
        file.upsert(Self.prod)
        #expect(file.currentContext == "local", "an existing current context must not change")
        #expect(file.contexts.map(\.name) == ["local", "prod"])
    }

    @Test func upsertReplacesByNameInPlace() {
        var file = ClientConfigFile(currentContext: "prod", contexts: [Self.local, Self.prod])
        var replacement = Self.local
        replacement.token = "dms_rotated"
        replacement.server = "127.0.0.1:9000"
        file.upsert(replacement)
        #expect(file.contexts == [replacement, Self.prod])
        #expect(file.currentContext == "prod")
    }

    @Test(arguments: [
        (["DMS_CONFIG": "/etc/dms.yaml", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/me"], "/etc/dms.yaml"),
        (["DMS_CONFIG": "", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/me"], "/xdg/dms/config"),
        (["XDG_CONFIG_HOME": "/xdg", "HOME": "/home/me"], "/xdg/dms/config"),
        (["XDG_CONFIG_HOME": "", "HOME": "/home/me"], "/home/me/.config/dms/config"),
        (["HOME": "/home/me"], "/home/me/.config/dms/config"),
    ])
    func defaultPathPrefersDMSConfigThenXDGThenHome(environment: [String: String], expected: String) {
        #expect(ClientConfigFile.defaultPath(environment: environment) == expected)
    }
}
