import DMSTestSupport
import Foundation
import Testing
import Yams

/// `dmsctl health` against a real dmsd, in every output format.
@Suite struct HealthCommandTests {
    @Test func healthPrintsKeyValueLinesInTableFormat() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["health"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stderr.isEmpty)
            let lines = result.stdout.split(separator: "\n")
            let keys = ["STATUS", "VERSION", "PROTOCOL", "REPLICA", "UPTIME", "CONNECTIONS", "ACTIVE CALLS"]
            #expect(lines.count == keys.count, "\(result.stdout)")
            for (line, key) in zip(lines, keys) {
                #expect(line.hasPrefix(key + "  "), "expected \(key): \(line)")
            }
            #expect(lines.first?.hasSuffix("SERVING") == true)
            #expect(result.stdout.contains("dms.v1"))
        }
    }

    @Test func healthPrintsProtobufJSONWithCamelCaseNames() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["health", "-o", "json"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            #expect(object["status"] as? String == "SERVING")
            #expect(object["version"] as? String == "0.1.0")
            #expect(object["protocol"] as? String == "dms.v1")
            #expect(object["activeCalls"] as? Int == 1)
            #expect(object["connections"] as? Int == 1)
            #expect(object["serverTime"] is String)
            #expect(object["uptimeSeconds"] is Double || object["uptimeSeconds"] is Int)
            #expect(object["active_calls"] == nil)
        }
    }

    @Test func healthPrintsTheSameContentAsYAML() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["health", "--output", "yaml"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            let object = try #require(try Yams.load(yaml: result.stdout) as? [String: Any], "\(result.stdout)")
            #expect(object["status"] as? String == "SERVING")
            #expect(object["version"] as? String == "0.1.0")
            #expect(object["protocol"] as? String == "dms.v1")
            #expect(object["activeCalls"] as? Int == 1)
            #expect(object["replica"] as? String != nil)
            #expect(!result.stdout.contains("{"), "block style, not flow: \(result.stdout)")
        }
    }

    @Test func watchWithCountPrintsOneLinePerItemThenExitsZero() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(["health", "--watch", "--count", "3", "--interval", "10"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 3, "\(result.stdout)")
            #expect(lines.map { $0.hasPrefix("seq=") } == [true, true, true])
            #expect(lines.last?.contains("seq=3") == true)
        }
    }

    @Test func watchInJSONPrintsOneDocumentPerLine() async throws {
        try await DaemonProcess.with { daemon in
            let result = try await DMSCtl.run(
                ["health", "--watch", "--count", "3", "--interval", "10", "-o", "json"], against: daemon)
            #expect(result.status == 0, "\(result.transcript)")
            let sequences = try result.stdout.split(separator: "\n").map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return object["sequence"] as? String  // uint64 is a string in protobuf JSON
            }
            #expect(sequences == ["1", "2", "3"])
        }
    }

    @Test func interruptEndsAnEndlessWatchWithStatusZero() async throws {
        try await DaemonProcess.with { daemon in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: DMSCtl.path)
            process.arguments = ["health", "--watch", "--interval", "20", "--config", daemon.clientConfigFile]
            process.environment = DMSCtl.environment()
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            // Wait for the first item: the watch is running and the handler for SIGINT is in place.
            let firstLine = await Task.detached {
                var seen = Data()
                while !seen.contains(UInt8(ascii: "\n")) {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    seen.append(chunk)
                }
                return String(decoding: seen, as: UTF8.self)
            }.value
            #expect(firstLine.hasPrefix("seq=1"), "\(firstLine)")
            kill(process.processIdentifier, SIGINT)
            let rest = await Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
            process.waitUntilExit()
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0, "stderr: \(String(decoding: rest, as: UTF8.self))")
            #expect(rest.isEmpty, "\(String(decoding: rest, as: UTF8.self))")
        }
    }
}
