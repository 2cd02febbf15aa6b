import DMSTestSupport
import Foundation
import Testing

/// A dmsd that serves the resource methods (it has a metadata store), and helpers to drive
/// dmsctl against it in the end-to-end tests of the resource commands and `apply`.
enum ResourceDaemon {
    /// Starts a dmsd on a fresh database of the shared test PostgreSQL, runs `body`, and stops it.
    static func with<T>(_ body: (DaemonProcess) async throws -> T) async throws -> T {
        try await DaemonProcess.with(database: .fresh, body)
    }
}

extension DaemonProcess {
    /// Runs `dmsctl arguments…` against this daemon and records an issue unless it exits 0.
    @discardableResult
    func dmsctl(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        let result = try await DMSCtl.run(arguments, against: self, environment: environment, stdin: stdin, sourceLocation: sourceLocation)
        #expect(result.status == 0, "dmsctl \(arguments.joined(separator: " ")): \(result.transcript)", sourceLocation: sourceLocation)
        return result
    }

    /// Runs `dmsctl arguments… -o json` against this daemon and returns the object it printed.
    func dmsctlJSON(
        _ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let result = try await dmsctl(arguments + ["-o", "json"], stdin: stdin, sourceLocation: sourceLocation)
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.transcript)",
            sourceLocation: sourceLocation)
    }
}

extension ProcessResult {
    /// The lines of stdout.
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// The value on the `KEY  value` line of stdout for `key` (upper-case, as tables print it).
    func value(of key: String) -> String? {
        lines.first { $0.hasPrefix(key + "  ") }.map { String($0.dropFirst(key.count)).trimmingCharacters(in: .whitespaces) }
    }
}

/// Writes `files` (name → text) into `directory`.
func write(_ files: [String: String], into directory: String) throws {
    for (name, text) in files {
        try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
    }
}
