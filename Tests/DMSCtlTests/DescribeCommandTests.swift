import DMSTestSupport
import Foundation
import Testing

/// `describe` of namespaces, targets and jobs against a real dmsd: what `get` shows and what it
/// takes another call to know.
@Suite struct DescribeCommandTests {
    /// Namespace sales with connection pg-main (postgres, port 5432, password from stdin), source
    /// orders, target warehouse (mode and port overridden) and job nightly.
    private func makeResources(_ daemon: DaemonProcess) async throws {
        try await daemon.dmsctl(["namespace", "create", "sales", "--description", "Sales team"])
        try await daemon.dmsctl(
            [
                "connection", "create", "pg-main", "-n", "sales", "--type", "postgres", "--set", "host=db.internal", "--set", "port=5432",
                "--set", "database=shop", "--set", "user=dms", "--password-stdin",
            ], stdin: ResourceCommandTests.password + "\n")
        try await daemon.dmsctl(["source", "create", "orders", "-n", "sales", "--connection", "pg-main", "--set", "table=public.orders"])
        try await daemon.dmsctl(
            ["target", "create", "warehouse", "-n", "sales", "--connection", "pg-main", "--set", "mode=append", "--set", "port=6543"])
        try await daemon.dmsctl(
            ["job", "create", "nightly", "-n", "sales", "--source", "orders", "--target", "warehouse", "--schedule", "0 3 * * *"])
    }

    @Test func namespaceDescribeCountsWhatTheNamespaceHolds() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeResources(daemon)
            try await daemon.dmsctl(["namespace", "create", "empty"])
            let table = try await daemon.dmsctl(["namespace", "describe", "sales"])
            #expect(table.value(of: "NAME") == "sales")
            #expect(table.value(of: "DESCRIPTION") == "Sales team")
            #expect(["CONNECTIONS", "SOURCES", "TARGETS", "JOBS"].map { table.value(of: $0) } == ["1", "1", "1", "1"], "\(table.stdout)")

            let json = try await daemon.dmsctlJSON(["namespace", "describe", "empty"])
            #expect(json["name"] as? String == "empty")
            #expect(json["contents"] as? [String: Int] == ["connections": 0, "sources": 0, "targets": 0, "jobs": 0], "\(json)")

            let missing = try await DMSCtl.run(["namespace", "describe", "nowhere"], against: daemon)
            #expect(missing.status == 2, "\(missing.transcript)")
            #expect(missing.stdout.isEmpty && missing.stderr.hasPrefix("dmsctl: NOT_FOUND: "))
        }
    }

    @Test func targetDescribeMarksEachFieldInheritedOverriddenOrDefault() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeResources(daemon)
            let described = try await daemon.dmsctl(["target", "describe", "warehouse", "-n", "sales"])
            let table = described.stdout
            #expect(described.value(of: "CONNECTION")?.hasPrefix("pg-main (") == true, "\(table)")
            #expect(table.contains("\nEFFECTIVE CONFIGURATION\nFIELD"), "\(table)")
            func origin(of field: String) -> String? {
                table.split(separator: "\n").first { $0.hasPrefix(field + " ") }?.split(separator: " ").last.map(String.init)
            }
            #expect(origin(of: "host") == "inherited", "\(table)")
            #expect(origin(of: "password") == "inherited")
            #expect(origin(of: "port") == "overridden")
            #expect(origin(of: "mode") == "overridden")
            #expect(table.contains("********") && !table.contains(ResourceCommandTests.password))

            let json = try await daemon.dmsctlJSON(["target", "describe", "warehouse", "-n", "sales"])
            let origins = try #require(json["confOrigins"] as? [String: String], "\(json)")
            #expect(origins["host"] == "inherited" && origins["port"] == "overridden" && origins["mode"] == "overridden")
            #expect(origins.values.contains("default") == (origins.count > 6), "fields neither sets are the spec's defaults: \(origins)")
            #expect((json["conf"] as? [String: Any])?["port"] as? Int == 6543, "the effective value is the override")
            #expect((json["overrides"] as? [String: Any])?.keys.sorted() == ["mode", "port"])
        }
    }

    @Test func jobDescribeNamesItsSourceAndTargetAndSaysItHasNoRunsYet() async throws {
        try await ResourceDaemon.with { daemon in
            try await makeResources(daemon)
            let described = try await daemon.dmsctl(["job", "describe", "nightly", "-n", "sales"])
            #expect(described.value(of: "SOURCE")?.hasPrefix("orders (") == true, "\(described.stdout)")
            #expect(described.value(of: "TARGET")?.hasPrefix("warehouse (") == true)
            #expect(described.value(of: "SCHEDULE") == "0 3 * * *")
            #expect(described.value(of: "NEXT RUNS")?.split(separator: " ").count ?? 0 >= 1, "\(described.stdout)")
            #expect(described.stdout.hasSuffix("\nLATEST RUNS\n(no runs yet)\n"), "\(described.stdout)")

            let json = try await daemon.dmsctlJSON(["job", "describe", "nightly", "-n", "sales"])
            #expect(json["name"] as? String == "nightly")
            #expect((json["latestRuns"] as? [Any])?.isEmpty == true, "\(json)")

            let yaml = try await daemon.dmsctl(["job", "describe", "nightly", "-n", "sales", "-o", "yaml"])
            #expect(yaml.stdout.contains("\nlatestRuns: []\n"), "\(yaml.stdout)")

            let missing = try await DMSCtl.run(["job", "describe", "weekly", "-n", "sales"], against: daemon)
            #expect(missing.status == 2, "\(missing.transcript)")
        }
    }
}
