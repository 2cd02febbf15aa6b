import DMSTestSupport
import Foundation

/// Runs the built dmsctl binary with a clean environment: no inherited `DMS_*` variable, a
/// throw-away HOME, plus `environment`.
enum DMSCtl {
    /// The path of the built binary.
    static var path: String { Binaries.path("dmsctl") }

    /// Runs `dmsctl arguments…` to completion.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil
    ) async throws -> ProcessResult {
        try await runProcess(path, arguments, environment: Self.environment(environment), stdin: stdin)
    }

    /// Runs `dmsctl arguments… --config <the daemon's client config>`.
    static func run(
        _ arguments: [String], against daemon: DaemonProcess, environment: [String: String] = [:], stdin: String? = nil
    ) async throws -> ProcessResult {
        try await run(arguments + ["--config", daemon.clientConfigFile], environment: environment, stdin: stdin)
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
