import DMSTestSupport
import Foundation
import Testing

/// Runs the built dmsctl binary with a clean environment: no inherited `DMS_*` variable, a
/// throw-away HOME, plus `environment`.
enum DMSCtl {
    /// The path of the built binary.
    static var path: String { Binaries.path("dmsctl") }

    /// Runs `dmsctl arguments…` to completion. What it printed (dmsd's answers as a user sees
    /// them) must not hold the run's canary secret, which every test dmsd holds (``Canary``).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        let result = try await runProcess(path, arguments, environment: Self.environment(environment), stdin: stdin)
        let scan = CanaryScan()
        for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] where text.contains(Canary.secret) {
            let lines = text.split(separator: "\n").filter { $0.contains(Canary.secret) }.map { scan.masked(Array($0.utf8)) }
            let command = "dmsctl \(arguments.joined(separator: " "))"
            Issue.record("\(command) printed the run's canary secret on \(stream): \(lines)", sourceLocation: sourceLocation)
        }
        return result
    }

    /// Runs `dmsctl arguments… --config <the daemon's client config>`.
    static func run(
        _ arguments: [String], against daemon: DaemonProcess, environment: [String: String] = [:], stdin: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        try await run(
            arguments + ["--config", daemon.clientConfigFile], environment: environment, stdin: stdin, sourceLocation: sourceLocation)
    }

    /// The process environment for dmsctl: the test's, minus `DMS_*`, with HOME and XDG pointing
    /// nowhere useful so the developer's own configuration is never read.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DMS_") }
        environment["HOME"] = "/nonexistent-home"
        environment["XDG_CONFIG_HOME"] = "/nonexistent-xdg"
        environment.merge(extra) { _, new in new }
        return environment
    }
}

extension ProcessResult {
    /// stdout and stderr together, for failure messages.
    var transcript: String { "status \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}
