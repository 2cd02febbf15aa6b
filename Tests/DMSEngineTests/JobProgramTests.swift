@testable import DMSEngine
import DMSTestSupport
import Foundation
import Testing

@Suite struct JobProgramTests {
    @Test func theEmbeddedProgramIsEveryPythonFileOfTheSourceTreeByteForByte() throws {
        let root = "\(Binaries.packageRoot)/Sources/DMSEngine/PySpark"
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        let onDisk = (enumerator.allObjects as? [String] ?? []).filter { $0.hasSuffix(".py") }.sorted()
        #expect(JobProgram.files.map(\.path).sorted() == onDisk, "JobProgram.files must list every .py file of Sources/DMSEngine/PySpark")
        for (path, bytes) in JobProgram.files {
            let disk = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(path)"))
            #expect(Data(bytes) == disk, "\(path) differs from the embedded copy: rebuild")
        }
    }

    @Test func writingTheProgramReplacesWhatWasThereAndKeepsItPrivate() async throws {
        try await withTemporaryDirectory { directory in
            let target = "\(directory)/program"
            try FileManager.default.createDirectory(atPath: "\(target)/dmsjob", withIntermediateDirectories: true)
            try Data("stale".utf8).write(to: URL(fileURLWithPath: "\(target)/dmsjob/old.py"))
            let program = try JobProgram(writingTo: target)
            #expect(FileManager.default.fileExists(atPath: program.mainScript))
            #expect(!FileManager.default.fileExists(atPath: "\(target)/dmsjob/old.py"))
            let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
            #expect(mode == 0o700)
        }
    }
}

@Suite struct EngineEventTests {
    @Test func onlyPrefixedJSONObjectsWithAnEventNameAreEvents() {
        let event = EngineEvent(line: #"DMS-EVENT {"event":"table_done","table":"t","rows_read":5,"ok":true}"#, prefix: "DMS-EVENT ")
        #expect(event?.name == "table_done" && event?.int("rows_read") == 5 && event?.string("table") == "t" && event?.bool("ok") == true)
        for line in ["", "DMS-EVENT", "DMS-EVENT {", #"DMS-EVENT ["event"]"#, #"DMS-EVENT {"table":"t"}"#, #"{"event":"x"}"#, "24/11/25 WARN NativeCodeLoader"] {
            #expect(EngineEvent(line: line, prefix: "DMS-EVENT ") == nil, "\(line)")
        }
    }

    @Test func theScrubberRemovesEverySecretLongestFirst() {
        let scrub = SecretScrubber(["hunter22", "hunter2222", "pw"])
        #expect(scrub("jdbc:postgresql://h/db?password=hunter2222&x=hunter22") == "jdbc:postgresql://h/db?password=******&x=******")
        #expect(scrub("pw stays: too short to be told from words") == "pw stays: too short to be told from words")
    }
}

@Suite struct RunProgressTrackerTests {
    private func event(_ name: String, _ json: String = "{}") -> EngineEvent {
        EngineEvent(line: "X " + json.dropLast() + (json == "{}" ? "" : ",") + #""event":"\#(name)"}"#, prefix: "X ")!
    }

    @Test func eventsBecomeMetricsProgressAndCursors() {
        var tracker = RunProgressTracker()
        _ = tracker.apply(event("started", #"{"application_id":"local-1","spark_version":"4.3.0"}"#))
        _ = tracker.apply(event("plan", #"{"tables":[{"table":"a","target_table":"a2","path":"bulk","path_reason":"r","splits":4},{"table":"b","target_table":"b","path":"dataframe","path_reason":"filter","splits":1}]}"#))
        #expect(tracker.sparkApplicationID == "local-1")
        #expect(tracker.metrics.tables.map(\.state) == [.pending, .pending] && tracker.progress.tablesTotal == 2)
        _ = tracker.apply(event("table_started", #"{"table":"a"}"#))
        _ = tracker.apply(event("progress", #"{"table":"a","rows_written":50,"rows_total":100}"#))
        #expect(tracker.progress.fraction == 0.25)
        _ = tracker.apply(event("table_done", #"{"table":"a","state":"succeeded","rows_read":100,"rows_written":100,"bytes":999,"duration_ms":7}"#))
        let failed = tracker.apply(event("table_failed", #"{"table":"b","error":"relation \"b\" does not exist"}"#))
        #expect(failed?.contains("relation") == true)
        #expect(tracker.metrics.tables.map(\.state) == [.succeeded, .failed])
        #expect(tracker.metrics.totals.rowsWritten == 100 && tracker.metrics.totals.bytes == 999 && tracker.metrics.totals.tables == 2)
        #expect(tracker.progress.fraction == 0.5)
        _ = tracker.apply(event("result", #"{"state":"succeeded","cursors":{"a":{"column":"id","value":"100"},"b":{"column":"ts","value":7}},"duration_ms":1234}"#))
        #expect(tracker.result?.string("state") == "succeeded")
        #expect(tracker.cursors == [.init(table: "a", column: "id", value: "100"), .init(table: "b", column: "ts", value: "7")])
        #expect(tracker.metrics.totals.durationMs == 1234 && tracker.progress.fraction == 1)
    }
}
