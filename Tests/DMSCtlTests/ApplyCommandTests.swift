import DMSTestSupport
import Foundation
import Testing

/// `dmsctl apply -f` and `dmsctl delete -f` against a real dmsd: creation in dependency order,
/// idempotence, single-field changes, dry runs, deletion in reverse, and refusals.
@Suite struct ApplyCommandTests {
    /// The password of the connection, given through the environment (`fromEnv`).
    static let password = "apply-Secret-7c1d"

    /// A directory's worth of documents: a namespace, a connection, two sources, a target and a
    /// job, spread over files whose name order is not the dependency order.
    static func documents(sourceTable: String = "public.orders", jobSchedule: String = "0 3 * * *") -> [String: String] {
        [
            "a-job.yaml": """
                kind: MigrationJob
                metadata: {name: nightly, namespace: shop}
                spec:
                  source: orders
                  target: warehouse
                  schedule: "\(jobSchedule)"
                  timeZone: Europe/Berlin
                  options: {parallelism: 4, validation: count}
                  sparkConf: {spark.executor.memory: 4g}
                  maxAttempts: 3
                  retryBackoffSeconds: 60
                """,
            "b-sources.yaml": """
                kind: Source
                metadata: {name: orders, namespace: shop}
                spec:
                  connection: pg-main
                  conf: {table: \(sourceTable)}
                ---
                kind: Source
                metadata: {name: customers, namespace: shop}
                spec:
                  connection: pg-main
                  conf: {table: public.customers, port: 6543}
                """,
            "c-target.json": """
                {"kind": "Target", "metadata": {"name": "warehouse", "namespace": "shop"},
                 "spec": {"connection": "pg-main", "conf": {"mode": "append"}}}
                """,
            "d-connection.yml": """
                kind: Connection
                metadata: {name: pg-main, namespace: shop}
                spec:
                  type: postgres
                  schema:
                    host: db.internal
                    port: 5432
                    database: shop
                    user: dms
                    password: {fromEnv: DMS_TEST_PG_PASSWORD}
                """,
            "e-namespace.yaml": """
                kind: Namespace
                metadata: {name: shop}
                spec: {description: The shop}
                """,
        ]
    }

    static let environment = ["DMS_TEST_PG_PASSWORD": password]

    /// The apply order of ``documents(sourceTable:jobSchedule:)``.
    static let applyOrder = [
        "namespace/shop", "connection/pg-main", "source/orders", "source/customers", "target/warehouse", "job/nightly",
    ]

    private func apply(_ daemon: DaemonProcess, _ directory: String, _ extra: [String] = []) async throws -> ProcessResult {
        try await daemon.dmsctl(["apply", "-f", directory] + extra, environment: Self.environment)
    }

    @Test func applyingADirectoryCreatesEverythingInDependencyOrderThenChangesNothing() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(Self.documents(), into: directory)
                let first = try await apply(daemon, directory)
                #expect(first.lines == Self.applyOrder.map { "\($0) created" }, "\(first.transcript)")

                let second = try await apply(daemon, directory)
                #expect(second.lines == Self.applyOrder.map { "\($0) unchanged" }, "\(second.transcript)")

                let source = try await daemon.dmsctlJSON(["source", "get", "customers", "-n", "shop"])
                #expect((source["overrides"] as? [String: Any])?["port"] as? Int == 6543)
                let job = try await daemon.dmsctlJSON(["job", "get", "nightly", "-n", "shop"])
                #expect(job["timeZone"] as? String == "Europe/Berlin")
                #expect((job["options"] as? [String: Any])?["parallelism"] as? Int == 4)
                for transcript in [first, second] {
                    #expect(!transcript.stdout.contains(Self.password) && !transcript.stderr.contains(Self.password))
                }
            }
        }
    }

    @Test func changingOneFieldConfiguresOnlyThatDocument() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(Self.documents(), into: directory)
                try await apply(daemon, directory)
                try write(Self.documents(sourceTable: "public.orders_2024"), into: directory)
                let changed = try await apply(daemon, directory)
                let expected = Self.applyOrder.map { $0 == "source/orders" ? "\($0) configured (fields: conf)" : "\($0) unchanged" }
                #expect(changed.lines == expected, "\(changed.transcript)")
                let source = try await daemon.dmsctlJSON(["source", "get", "orders", "-n", "shop"])
                #expect((source["overrides"] as? [String: Any])?["table"] as? String == "public.orders_2024")
            }
        }
    }

    @Test func dryRunReportsAndChangesNothing() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(Self.documents(), into: directory)
                // Nothing exists: every document would be created, references to what would be too.
                let fresh = try await apply(daemon, directory, ["--dry-run"])
                #expect(fresh.lines == Self.applyOrder.map { "\($0) would create" }, "\(fresh.transcript)")
                let absent = try await DMSCtl.run(["namespace", "get", "shop"], against: daemon)
                #expect(absent.status == 2, "\(absent.transcript)")

                try await apply(daemon, directory)
                try write(Self.documents(jobSchedule: "15 4 * * *"), into: directory)
                let planned = try await apply(daemon, directory, ["--dry-run"])
                let expected = Self.applyOrder.map {
                    switch $0 {
                    case "connection/pg-main": "\($0) would send secrets (fields: schema)"
                    case "job/nightly": "\($0) would update (fields: schedule)"
                    default: "\($0) unchanged"
                    }
                }
                #expect(planned.lines == expected, "\(planned.transcript)")
                let job = try await daemon.dmsctlJSON(["job", "get", "nightly", "-n", "shop"])
                #expect(job["schedule"] as? String == "0 3 * * *", "the dry run changed nothing")
            }
        }
    }

    @Test func deleteRemovesInReverseOrderAndToleratesWhatIsGone() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(Self.documents(), into: directory)
                try await apply(daemon, directory)
                let deleted = try await daemon.dmsctl(["delete", "-f", directory])
                #expect(deleted.lines == Self.applyOrder.reversed().map { "\($0) deleted" }, "\(deleted.transcript)")
                let gone = try await DMSCtl.run(["connection", "get", "pg-main", "-n", "shop"], against: daemon)
                #expect(gone.status == 2, "\(gone.transcript)")
                let again = try await daemon.dmsctl(["delete", "-f", directory])
                #expect(again.lines == Self.applyOrder.reversed().map { "\($0) not found" }, "\(again.transcript)")
            }
        }
    }

    @Test func aRefusalStopsAtThatDocumentAndSaysWhatWasApplied() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(
                    [
                        "all.yaml": """
                            kind: Namespace
                            metadata: {name: shop}
                            ---
                            kind: Connection
                            metadata: {name: broken, namespace: shop}
                            spec: {type: postgres, schema: {port: 5432}}
                            ---
                            kind: Source
                            metadata: {name: orders, namespace: shop}
                            spec: {connection: broken, conf: {table: t}}
                            """
                    ], into: directory)
                let result = try await DMSCtl.run(["apply", "-f", directory], against: daemon)
                #expect(result.status == 3, "\(result.transcript)")
                #expect(result.lines == ["namespace/shop created"])
                let stderr = result.stderr.split(separator: "\n").map(String.init)
                #expect(stderr.first?.hasPrefix("dmsctl: connection/broken (") == true, "\(result.stderr)")
                #expect(stderr.first?.contains("all.yaml, document 2): INVALID_ARGUMENT") == true, "\(result.stderr)")
                #expect(stderr.last == "  1 of 3 documents applied before it; the rest were not sent", "\(result.stderr)")
                let source = try await DMSCtl.run(["source", "get", "orders", "-n", "shop"], against: daemon)
                #expect(source.status == 2, "nothing after the refusal was sent")
            }
        }
    }

    @Test func aReferenceToNothingIsReportedWithItsField() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try await daemon.dmsctl(["namespace", "create", "shop"])
                try write(
                    ["s.yaml": "kind: Source\nmetadata: {name: orders, namespace: shop}\nspec: {connection: nowhere}\n"], into: directory)
                let result = try await DMSCtl.run(["apply", "-f", directory, "--dry-run"], against: daemon)
                #expect(result.status == 2, "\(result.transcript)")
                #expect(result.stderr.contains("spec.connection: connection \"nowhere\" not found in namespace \"shop\""), "\(result.stderr)")
            }
        }
    }

    @Test func applyOutputInJSONIsOneObjectPerDocument() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try write(Self.documents(), into: directory)
                let result = try await daemon.dmsctl(["apply", "-f", directory, "-o", "json"], environment: Self.environment)
                let objects = try result.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
                #expect(objects.map { "\($0["kind"] as? String ?? "")/\($0["name"] as? String ?? "")" } == Self.applyOrder)
                #expect(objects.allSatisfy { $0["result"] as? String == "created" })
                #expect(objects.dropFirst().allSatisfy { $0["namespace"] as? String == "shop" })
            }
        }
    }
}
