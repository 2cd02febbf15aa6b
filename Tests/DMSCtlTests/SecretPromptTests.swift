import DMSTestSupport
import Foundation
import Testing

/// `--prompt-secrets` on a real terminal: a pseudo-terminal driven by `secret_prompt_pty.py`.
/// The secret is asked for on the terminal with echo off, taken, and never shown anywhere.
@Suite struct SecretPromptTests {
    static let secret = "prompted-Secret-81d7"

    /// What a run of dmsctl under a pseudo-terminal left: its exit status, its stdout and stderr
    /// (files, not the terminal), what the terminal showed, and how many prompts were answered.
    struct TerminalRun {
        var status: Int
        var stdout: String
        var stderr: String
        var terminal: String
        var prompts: Int
        var transcript: String { "status \(status), \(prompts) prompts\n--- terminal\n\(terminal)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// Runs `dmsctl arguments… --config <the daemon's>` with a pseudo-terminal as its controlling
    /// terminal, typing `answer` at every prompt.
    private func runOnTerminal(_ arguments: [String], against daemon: DaemonProcess, answer: String) async throws -> TerminalRun {
        try await withTemporaryDirectory { directory in
            let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("secret_prompt_pty.py").path
            let result = try await runProcess(
                "/usr/bin/env",
                ["python3", helper, "\(directory)/out", "\(directory)/err", answer, DMSCtl.path]
                    + arguments + ["--config", daemon.clientConfigFile],
                environment: DMSCtl.environment())
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
            return TerminalRun(
                status: report["status"] as? Int ?? -1,
                stdout: (try? String(contentsOfFile: "\(directory)/out", encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: "\(directory)/err", encoding: .utf8)) ?? "",
                terminal: report["terminal"] as? String ?? "", prompts: report["prompts"] as? Int ?? -1)
        }
    }

    @Test func theSecretIsAskedForWithEchoOffTakenAndNeverShown() async throws {
        try await ResourceDaemon.with { daemon in
            try await daemon.dmsctl(["namespace", "create", "sales"])
            let run = try await runOnTerminal(
                [
                    "connection", "create", "pg-main", "-n", "sales", "--type", "postgres", "--set", "host=db.internal", "--set",
                    "database=shop", "--set", "user=dms", "--prompt-secrets", "-o", "json",
                ], against: daemon, answer: Self.secret)
            #expect(run.status == 0, "\(run.transcript)")
            #expect(run.prompts == 1, "one secret field, password: \(run.transcript)")
            #expect(run.terminal.hasPrefix("password: "), "\(run.transcript)")
            #expect(!run.terminal.contains(Self.secret), "echo is off: \(run.transcript)")
            #expect(!run.stdout.contains(Self.secret) && !run.stderr.contains(Self.secret))
            #expect(run.stdout.contains(#""password":"********""#), "the server holds the secret: \(run.transcript)")

            let got = try await daemon.dmsctlJSON(["connection", "get", "pg-main", "-n", "sales"])
            #expect((got["schema"] as? [String: Any])?["password"] as? String == "********")
            #expect(!daemon.log.contains(Self.secret), "nor does dmsd log it")
        }
    }

    @Test func aSecretGivenOtherwiseIsNotAskedFor() async throws {
        try await ResourceDaemon.with { daemon in
            try await withTemporaryDirectory { directory in
                try #"{"host": "db", "database": "shop", "user": "dms", "password": "from-the-file"}"#.write(
                    toFile: "\(directory)/schema.json", atomically: true, encoding: .utf8)
                let run = try await runOnTerminal(
                    ["connection", "create", "pg-file", "--type", "postgres", "--schema-file", "\(directory)/schema.json", "--prompt-secrets"],
                    against: daemon, answer: Self.secret)
                #expect(run.status == 0, "\(run.transcript)")
                #expect(run.prompts == 0 && run.terminal.isEmpty, "\(run.transcript)")
                #expect(!run.stdout.contains("from-the-file"))
            }
        }
    }

    @Test func withoutATerminalThePromptIsAUsageErrorAndNothingIsCreated() async throws {
        try await ResourceDaemon.with { daemon in
            // setsid: a new session has no controlling terminal, whatever runs the tests.
            let result = try await runProcess(
                "/usr/bin/env",
                ["setsid", "-w", DMSCtl.path, "connection", "create", "pg-main", "--type", "postgres", "--set", "host=db", "--set", "database=shop",
                 "--set", "user=dms", "--prompt-secrets", "--config", daemon.clientConfigFile],
                environment: DMSCtl.environment())
            #expect(result.status == 64, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            #expect(
                result.stderr == "dmsctl: --prompt-secrets needs a terminal; without one, give the password with --password-stdin "
                    + "or the secrets in a --schema-file\n", "\(result.stderr)")
            let absent = try await DMSCtl.run(["connection", "get", "pg-main"], against: daemon)
            #expect(absent.status == 2, "\(absent.transcript)")
        }
    }
}
