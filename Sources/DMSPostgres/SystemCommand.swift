import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and collects its exit status and output.
///
/// Spawned with `posix_spawn` and reaped with a blocking `waitpid` on the calling thread, so it
/// works from any thread — Foundation's `Process` depends on dispatch threads that may all be busy.
/// Output (stdout and stderr together) goes through a temporary file so that a daemonising
/// grandchild (the postmaster) cannot hold a pipe open.
struct SystemCommand {
    /// Where the program is.
    var executable: String
    /// Its arguments (never a secret: argv is visible to every user of the machine).
    var arguments: [String]
    /// Its environment; nil inherits dmsd's.
    var environment: [String: String]?

    /// The outcome of a run.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs the program and waits for it.
    func run() throws -> Outcome {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("dms-command-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        Self.markInheritedDescriptorsCloseOnExec()

        let argv = ([executable] + arguments).map { strdup($0) }
        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            environmentStrings.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv + [nil], environmentStrings + [nil])
        guard spawned == 0 else {
            throw EmbeddedPostgresError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw EmbeddedPostgresError("cannot wait for \(executable): errno \(errno)") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        return Outcome(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output: output)
    }

    /// Nothing of dmsd's but stdin/stdout/stderr may live on in a child (the postmaster outlives
    /// dmsd): descriptors dmsd inherited or opened without close-on-exec get it now.
    private static func markInheritedDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in entries.compactMap(Int32.init) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Finds `name` in the directories of `PATH` (and the sbin directories, which root's PATH may lack).
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
