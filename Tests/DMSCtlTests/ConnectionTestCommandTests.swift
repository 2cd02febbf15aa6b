import DMSTestSupport
import Foundation
import Testing

/// `dmsctl connection test`: the outcome on stdout and its exit status, 0 when the store was
/// reached, 7 when it was not, 2 for a connection that does not exist.
@Suite struct ConnectionTestCommandTests {
    @Test func exitsZeroWhenReachedSevenWhenNotAndTwoForAnUnknownConnection() async throws {
        try await withTemporaryDirectory { scratch in
            // An empty file is a valid SQLite database with no tables.
            _ = FileManager.default.createFile(atPath: "\(scratch)/app.db", contents: Data())
            try await ResourceDaemon.with { daemon in
                try await daemon.dmsctl(["connection", "create", "lite", "--type", "sqlite", "--set", "path=\(scratch)/app.db"])
                try await daemon.dmsctl(["connection", "create", "gone", "--type", "sqlite", "--set", "path=\(scratch)/gone.db"])

                let reached = try await daemon.dmsctl(["connection", "test", "lite"])
                #expect(reached.lines.first == "RESULT          ok", "\(reached.transcript)")
                #expect(reached.stdout.contains("SERVER VERSION  SQLite 3"), "\(reached.transcript)")

                let missing = try await DMSCtl.run(["connection", "test", "gone", "-o", "json"], against: daemon)
                #expect(missing.status == 7, "\(missing.transcript)")
                let outcome = try JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any]
                #expect(outcome?["ok"] == nil, "proto JSON leaves a false ok out")
                #expect((outcome?["message"] as? String)?.hasPrefix("\(scratch)/gone.db does not exist") == true, "\(missing.stdout)")

                let unknown = try await DMSCtl.run(["connection", "test", "nothing"], against: daemon)
                #expect(unknown.status == 2, "\(unknown.transcript)")
                #expect(unknown.stdout.isEmpty && unknown.stderr.hasPrefix("dmsctl: NOT_FOUND: "), "\(unknown.transcript)")
            }
        }
    }
}
