import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import DMSTestSupport
import Foundation
import Testing

/// The run-wide canary check would catch a leak: the canary planted where the scan at a dmsd's
/// stop looks (a file of its data directory, a line of its log, a text column and a bytea column
/// of its database) is reported at each place, masked, and as an issue of the test that stops it.
/// Nothing in dmsd changes for it: the test plants the canary itself, or gives it to dmsd in a
/// field that is not secret (a namespace's description), which dmsd rightly keeps in clear.
@Suite struct CanaryScanTests {
    @Test func aCanaryPlantedInAFileALogLineAndDatabaseColumnsIsReportedAtEachPlace() async throws {
        try await withTemporaryDirectory { root in
            let daemon = try await DaemonProcess(root: root)
            let seeded = try await RPCClient.withConnection(try daemon.clientConfiguration()) { admin in
                var request = Dms_V1_ListConnectionsRequest()
                request.namespace = Canary.namespace
                return try await admin.unary(API.ConnectionService.listConnections, request).connections
            }
            #expect(seeded.map(\.name) == [Canary.connectionName], "the harness seeded the canary")
            #expect(await daemon.canaryLeaks().isEmpty, "a dmsd that keeps the canary sealed leaves no leak")

            try await RPCClient.withConnection(try daemon.clientConfiguration()) { admin in
                var request = Dms_V1_CreateNamespaceRequest()
                request.name = "planted"
                request.description_p = "not a secret field: \(Canary.secret)"
                _ = try await admin.unary(API.NamespaceService.createNamespace, request)
            }
            let database = try PostgresConnection(conninfo: try #require(daemon.databaseURL))
            try database.execute(script: "CREATE TABLE planted_blob (id text PRIMARY KEY, sealed bytea)")
            try database.query("INSERT INTO planted_blob VALUES ('blob-1', convert_to($1, 'UTF8'))", "sealed? \(Canary.secret)")
            try Data("first line\nsecond line holds \(Canary.secret)\n".utf8).write(to: URL(fileURLWithPath: "\(root)/data/planted.txt"))
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: daemon.logFile))
            try log.seekToEnd()
            try log.write(contentsOf: Data("a test's line in dmsd's log: \(Canary.secret)\n".utf8))
            try log.close()

            let leaks = await daemon.canaryLeaks()
            let places = [
                "\(root)/data/planted.txt:2 ", "\(daemon.logFile):", "table public.namespaces, column description, name planted",
                "table public.planted_blob, column sealed, id blob-1",
            ]
            for place in places {
                #expect(leaks.contains { $0.location.hasPrefix(place) }, "\(place) is reported: \(leaks)")
            }
            #expect(leaks.count == places.count, "nothing else: \(leaks)")
            #expect(leaks.allSatisfy { !$0.description.contains(Canary.secret) && $0.excerpt.contains("<canary>") }, "\(leaks)")

            // Stopping the daemon records them, as an issue of this test.
            await withKnownIssue("the planted canaries") {
                await daemon.stop()
            } matching: { issue in
                let text = issue.comments.map(\.rawValue).joined()
                return places.allSatisfy { text.contains($0) } && !text.contains(Canary.secret)
            }
        }
    }

    /// With dmsd's embedded PostgreSQL there is no server for the test to query: the database is
    /// searched as the files of its cluster (tables, WAL, log) under the data directory.
    @Test func aCanaryInTheEmbeddedDatabaseIsFoundInItsClusterFiles() async throws {
        try await withTemporaryDirectory { root in
            let daemon = try await DaemonProcess(root: root, database: .embedded)
            try await RPCClient.withConnection(try daemon.clientConfiguration()) { admin in
                var request = Dms_V1_CreateNamespaceRequest()
                request.name = "planted"
                request.description_p = "not a secret field: \(Canary.secret)"
                _ = try await admin.unary(API.NamespaceService.createNamespace, request)
            }
            let cluster = "\(root)/data/postgres/"
            await withKnownIssue("the canary in the embedded cluster's files") {
                await daemon.stop()
            } matching: { issue in
                issue.comments.map(\.rawValue).joined().contains(cluster)
            }
        }
    }

    @Test func aLogIsSearchedFromTheOffsetGiven() throws {
        try withTemporaryFile(lines: ["before", "then \(Canary.secret) here", "after"]) { path in
            let scan = CanaryScan()
            #expect(scan.file(path).map(\.location) == ["\(path):2 (byte 12)"])
            #expect(scan.file(path, from: 7).count == 1, "a hit after the offset")
            #expect(scan.file(path, from: 13).isEmpty, "a hit that starts before the offset is not this scan's")
        }
    }

    private func withTemporaryFile(lines: [String], _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dms-test-canary-\(UUID().uuidString.prefix(8))").path
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }
}
