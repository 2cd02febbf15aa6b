import DMSTestSupport
import Foundation
import Testing

/// The resource commands against a real dmsd: create, get, list, update, describe and delete of
/// every noun; paging; optimistic concurrency; secrets never printed.
@Suite struct ResourceCommandTests {
    /// The password every test connection gets (through stdin only).
    static let password = "pw-Never-Printed-9f3b"

    /// Creates namespace `namespace` and, in it, connection `connection` (postgres) with the
    /// password from stdin.
    private func makeConnection(_ daemon: DaemonProcess, _ connection: String, namespace: String) async throws {
        try await daemon.dmsctl(["namespace", "create", namespace, "--description", "for tests"])
        try await daemon.dmsctl(
            [
                "connection", "create", connection, "-n", namespace, "--type", "postgres", "--set", "host=db.internal",
                "--set", "port=5432", "--set", "database=shop", "--set", "user=dms", "--password-stdin",
            ], stdin: Self.password + "\n")
    }

    @Test func connectorListShowsTheBuiltInConnectors() async throws {
        try await ResourceDaemon.with { daemon in
            let table = try await daemon.dmsctl(["connector", "list"])
            #expect(table.lines.first?.hasPrefix("TYPE") == true)
            #expect(table.stdout.contains("postgres"))
            let postgres = try await daemon.dmsctlJSON(["connector", "get", "postgres"])
            let versions = try #require(postgres["versions"] as? [[String: Any]])
            #expect(versions.last?["secretFields"] as? [String] == ["password"])
            #expect(versions.last?["connectionSchema"] is [String: Any], "the JSON Schema is a nested object")
        }
    }

    @Test func namespaceCreateGetListUpdateDelete() async throws {
        try await ResourceDaemon.with { daemon in
            let created = try await daemon.dmsctlJSON(["namespace", "create", "sales", "--description", "Sales"])
            #expect(created["name"] as? String == "sales")
            let got = try await daemon.dmsctlJSON(["namespace", "get", "sales"])
            #expect(got["description"] as? String == "Sales")
            let list = try await daemon.dmsctl(["namespace", "list", "--prefix", "sal"])
            #expect(list.lines.first?.split(separator: " ").first == "NAME")
            #expect(list.lines.dropFirst().map { $0.split(separator: " ").first } == ["sales"])
            let updated = try await daemon.dmsctlJSON(["namespace", "update", "sales", "--description", "Sales and marketing"])
            #expect(updated["description"] as? String == "Sales and marketing")
            #expect(Int(updated["revision"] as? String ?? "") ?? 0 > Int(got["revision"] as? String ?? "") ?? 0)
            let deleted = try await daemon.dmsctl(["namespace", "delete", "sales"])
            #expect(deleted.stdout == "namespace/sales deleted\n")
            let gone = try await DMSCtl.run(["namespace", "get", "sales"], against: daemon)
            #expect(gone.status == 2, "\(gone.transcript)")
            #expect(gone.stderr.hasPrefix("dmsctl: NOT_FOUND: "))
        }
    }

    @Test func connectionCreateGetListUpdateDelete() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeConnection(daemon, "pg-main", namespace: "sales")
            let got = try await daemon.dmsctlJSON(["connection", "get", "pg-main", "-n", "sales"])
            let schema = try #require(got["schema"] as? [String: Any], "schema is a nested object: \(got)")
            #expect(schema["port"] as? Int == 5432)
            #expect(schema["password"] as? String == "********")
            #expect(got["type"] as? String == "postgres")

            let byID = try await daemon.dmsctlJSON(["connection", "get", "--id", got["id"] as? String ?? ""])
            #expect(byID["name"] as? String == "pg-main")

            let list = try await daemon.dmsctl(["connection", "list", "-n", "sales"])
            #expect(list.lines.first?.split(separator: " ").map(String.init) == ["NAME", "NAMESPACE", "TYPE", "VERSION", "REVISION", "AGE"])
            #expect(list.lines.dropFirst().first?.hasPrefix("pg-main") == true)

            let yaml = try await daemon.dmsctl(["connection", "get", "pg-main", "-n", "sales", "-o", "yaml"])
            #expect(yaml.stdout.contains("\nschema:\n") && yaml.stdout.contains("\n  host: db.internal\n"), "schema as nested YAML: \(yaml.stdout)")

            let updated = try await daemon.dmsctlJSON(["connection", "update", "pg-main", "-n", "sales", "--set", "port=6432"])
            #expect((updated["schema"] as? [String: Any])?["port"] as? Int == 6432)
            #expect((updated["schema"] as? [String: Any])?["password"] as? String == "********", "the stored password is kept")

            let describe = try await daemon.dmsctl(["connection", "describe", "pg-main", "-n", "sales"])
            #expect(describe.stdout.contains("USED BY"))
            #expect(describe.stdout.range(of: #"password\s+\*{8}\s+yes"#, options: .regularExpression) != nil, "\(describe.stdout)")

            try await daemon.dmsctl(["connection", "delete", "pg-main", "-n", "sales"])
            let gone = try await DMSCtl.run(["connection", "get", "pg-main", "-n", "sales"], against: daemon)
            #expect(gone.status == 2, "\(gone.transcript)")
        }
    }

    @Test func sourceAndTargetCreateGetListUpdateDelete() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeConnection(daemon, "pg-main", namespace: "sales")
            for noun in ["source", "target"] {
                let field = noun == "source" ? "table=public.orders" : "mode=append"
                let created = try await daemon.dmsctlJSON([noun, "create", "orders", "-n", "sales", "--connection", "pg-main", "--set", field])
                #expect((created["overrides"] as? [String: Any])?.count == 1, "\(created)")
                let got = try await daemon.dmsctl([noun, "get", "orders", "-n", "sales"])
                #expect(got.stdout.contains("CONNECTION  pg-main ("), "\(got.stdout)")
                let list = try await daemon.dmsctl([noun + "s", "list", "-n", "sales", "--connection", "pg-main"])
                #expect(list.lines.count == 2)
                #expect(list.lines.last?.split(separator: " ").prefix(3).map(String.init) == ["orders", "sales", "pg-main"])
                let renamed = try await daemon.dmsctlJSON([noun, "update", "orders", "-n", "sales", "--new-name", "orders-v2"])
                #expect(renamed["name"] as? String == "orders-v2")
                try await daemon.dmsctl([noun, "delete", "orders-v2", "-n", "sales"])
                let gone = try await DMSCtl.run([noun, "get", "orders-v2", "-n", "sales"], against: daemon)
                #expect(gone.status == 2, "\(gone.transcript)")
            }
        }
    }

    @Test func describeMarksInheritedAndOverriddenFields() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeConnection(daemon, "pg-main", namespace: "sales")
            try await daemon.dmsctl(
                ["source", "create", "orders", "-n", "sales", "--connection", "pg-main", "--set", "table=public.orders", "--set", "port=6543"])
            let table = try await daemon.dmsctl(["source", "describe", "orders", "-n", "sales"])
            func origin(of field: String) -> String? {
                table.lines.first { $0.hasPrefix(field + " ") }?.split(separator: " ").last.map(String.init)
            }
            #expect(origin(of: "host") == "inherited", "\(table.stdout)")
            #expect(origin(of: "password") == "inherited")
            #expect(origin(of: "port") == "overridden")
            #expect(origin(of: "table") == "overridden")
            #expect(table.stdout.contains("********"))
            #expect(!table.stdout.contains(Self.password))

            let json = try await daemon.dmsctlJSON(["source", "describe", "orders", "-n", "sales"])
            let origins = try #require(json["confOrigins"] as? [String: String])
            #expect(origins["host"] == "inherited" && origins["port"] == "overridden")
            #expect((json["conf"] as? [String: Any])?["port"] as? Int == 6543)
        }
    }

    @Test func jobCreateGetListUpdatePauseDelete() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeConnection(daemon, "pg-main", namespace: "sales")
            try await daemon.dmsctl(["source", "create", "orders", "-n", "sales", "--connection", "pg-main", "--set", "table=public.orders"])
            try await daemon.dmsctl(["target", "create", "warehouse", "-n", "sales", "--connection", "pg-main", "--set", "mode=append"])
            let created = try await daemon.dmsctlJSON([
                "job", "create", "nightly", "-n", "sales", "--source", "orders", "--target", "warehouse", "--schedule", "0 3 * * *",
                "--spark-conf", "spark.executor.memory=4g", "--set", "parallelism=4", "--max-attempts", "3",
            ])
            #expect(created["schedule"] as? String == "0 3 * * *")
            #expect((created["sparkConf"] as? [String: String])?["spark.executor.memory"] == "4g")
            let got = try await daemon.dmsctl(["job", "get", "nightly", "-n", "sales"])
            #expect(got.stdout.contains("SOURCE            orders ("), "\(got.stdout)")
            let list = try await daemon.dmsctl(["jobs", "list", "-n", "sales", "--source", "orders"])
            #expect(list.lines.last?.split(separator: " ").prefix(4).map(String.init) == ["nightly", "sales", "orders", "warehouse"])
            let updated = try await daemon.dmsctlJSON(["job", "update", "nightly", "-n", "sales", "--schedule", "30 2 * * *"])
            #expect(updated["schedule"] as? String == "30 2 * * *")
            #expect(updated["maxAttempts"] as? Int == 3, "fields not named keep their values")
            let paused = try await DMSCtl.run(["job", "pause", "nightly", "-n", "sales", "-o", "json"], against: daemon)
            #expect(paused.status == 0 || paused.stderr.hasPrefix("dmsctl: UNIMPLEMENTED"), "\(paused.transcript)")
            try await daemon.dmsctl(["job", "delete", "nightly", "-n", "sales"])
            let gone = try await DMSCtl.run(["job", "get", "nightly", "-n", "sales"], against: daemon)
            #expect(gone.status == 2, "\(gone.transcript)")
        }
    }

    @Test func tokenCreateShowsTheSecretOnceAndListGetRevokeNever() async throws {
        try await ResourceDaemon.with { daemon in
            try await daemon.dmsctl(["namespace", "create", "sales"])
            let created = try await daemon.dmsctlJSON(["token", "create", "ci", "--role", "editor", "-n", "sales", "--ttl", "1d"])
            let secret = try #require(created["secret"] as? String)
            #expect(secret.hasPrefix("dms_"))
            let list = try await daemon.dmsctl(["token", "list", "-n", "sales"])
            #expect(list.stdout.contains("ci") && !list.stdout.contains(secret))
            let got = try await daemon.dmsctl(["token", "get", "ci", "-n", "sales"])
            #expect(got.stdout.contains("editor") && !got.stdout.contains(secret))
            let revoked = try await daemon.dmsctl(["token", "revoke", "ci", "-n", "sales"])
            #expect(revoked.stdout.contains("revoked"))
            let refused = try await DMSCtl.run(["namespace", "list"], against: daemon, environment: ["DMS_TOKEN": secret])
            #expect(refused.status == 4, "\(refused.transcript)")
        }
    }

    @Test func listPagesWithLimitAndPageToken() async throws {
        try await ResourceDaemon.with { daemon in
            let names = ["page-a", "page-b", "page-c", "page-d", "page-e"]
            for name in names { try await daemon.dmsctl(["namespace", "create", name]) }

            let first = try await daemon.dmsctlJSON(["namespace", "list", "--prefix", "page-", "--limit", "2"])
            let firstNames = (first["namespaces"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(firstNames == ["page-a", "page-b"])
            let token = try #require(first["nextPageToken"] as? String)

            let second = try await daemon.dmsctlJSON(["namespace", "list", "--prefix", "page-", "--limit", "2", "--page-token", token])
            #expect((second["namespaces"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } == ["page-c", "page-d"])

            let table = try await daemon.dmsctl(["namespace", "list", "--prefix", "page-", "--limit", "2"])
            #expect(table.lines.count == 3)
            #expect(table.stderr.contains("--page-token"))

            let all = try await daemon.dmsctl(["namespace", "list", "--prefix", "page-", "--limit", "2", "--all"])
            #expect(all.lines.dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) } == names)
            let everything = try await daemon.dmsctl(["namespace", "list", "--prefix", "page-"])
            #expect(everything.lines.count == names.count + 1)
            #expect(everything.stderr.isEmpty)
        }
    }

    @Test func anUpdateOfAConnectionChangedSinceItWasReadIsRefusedWithExitThree() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeConnection(daemon, "pg-main", namespace: "sales")
            try await withTemporaryDirectory { directory in
                // `update` reads the connection, then the schema file. A named pipe holds it there:
                // opening the pipe for writing returns only once `update` has read the connection.
                let pipe = "\(directory)/schema.fifo"
                #expect(mkfifo(pipe, 0o600) == 0)
                async let stale = DMSCtl.run(["connection", "update", "pg-main", "-n", "sales", "--schema-file", pipe], against: daemon)
                let writer = try await openForWriting(pipe)
                try await daemon.dmsctl(["connection", "update", "pg-main", "-n", "sales", "--set", "port=7000"])
                writer.write(Data(#"{"host": "db.internal", "database": "shop", "user": "dms", "port": 1}"#.utf8))
                try writer.close()
                let result = try await stale
                #expect(result.status == 3, "\(result.transcript)")
                #expect(result.stderr.contains("was changed by someone else since it was read"), "\(result.stderr)")
                let now = try await daemon.dmsctlJSON(["connection", "get", "pg-main", "-n", "sales"])
                #expect((now["schema"] as? [String: Any])?["port"] as? Int == 7000, "the stale update changed nothing")
            }
        }
    }

    @Test func aPasswordGivenOnStdinNeverAppearsInAnyOutput() async throws {
        try await ResourceDaemon.with { daemon in
            var transcripts: [String] = []
            try await makeConnection(daemon, "pg-main", namespace: "sales")
            try await daemon.dmsctl(["source", "create", "orders", "-n", "sales", "--connection", "pg-main", "--set", "table=t"])
            for arguments in [
                ["connection", "get", "pg-main"], ["connection", "list"], ["connection", "describe", "pg-main"],
                ["source", "get", "orders"], ["source", "describe", "orders"], ["source", "list"],
            ] {
                for format in ["table", "json", "yaml"] {
                    let result = try await daemon.dmsctl(arguments + ["-n", "sales", "-o", format])
                    transcripts.append(result.stdout + result.stderr)
                }
            }
            let rotated = try await daemon.dmsctl(
                ["connection", "update", "pg-main", "-n", "sales", "--password-stdin", "-o", "json"], stdin: Self.password + "-2\n")
            transcripts.append(rotated.stdout + rotated.stderr)
            let test = try await DMSCtl.run(["connection", "test", "pg-main", "-n", "sales"], against: daemon)
            transcripts.append(test.stdout + test.stderr)
            for transcript in transcripts {
                #expect(!transcript.contains(Self.password), "\(transcript)")
            }
            #expect(transcripts.contains { $0.contains("********") })
        }
    }
}

/// Opens the named pipe at `path` for writing once a reader has opened it (until then the
/// non-blocking open fails with ENXIO); gives up after 60 s, e.g. when the reader failed before.
private func openForWriting(_ path: String) async throws -> FileHandle {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK)
        if descriptor >= 0 { return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true) }
        guard errno == ENXIO else { throw TestSupportError("cannot open \(path) for writing: errno \(errno)") }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TestSupportError("nothing opened \(path) for reading within 60 s")
}
