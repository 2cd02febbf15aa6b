import DMSTestSupport
import Foundation
import Testing

/// The embedded PostgreSQL cluster of a dmsd data directory (`<root>/data/postgres`), seen from
/// outside: whether it runs, and a way to stop it whatever dmsd did.
struct ResourceEmbeddedCluster: Sendable {
    /// The DaemonProcess root whose `data` directory holds the cluster.
    let root: String

    /// The cluster's data directory.
    var dataDirectory: String { "\(root)/data/postgres/data" }

    /// PostgreSQL's lock file: present while the cluster runs (and after a crash of PostgreSQL itself).
    var pidFile: String { "\(dataDirectory)/postmaster.pid" }

    /// Whether the cluster runs (its `postmaster.pid` exists).
    var isRunning: Bool { FileManager.default.fileExists(atPath: pidFile) }

    /// The newest `pg_ctl` under /usr/lib/postgresql, as dmsd picks it.
    static var pgCtl: String {
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        return "/usr/lib/postgresql/\(versions.last ?? 15)/bin/pg_ctl"
    }

    /// Stops the cluster at once (`pg_ctl stop -m immediate`, as the system user it runs as when
    /// the tests run as root) if its `postmaster.pid` exists; returns pg_ctl's outcome, nil when
    /// there was nothing to stop.
    @discardableResult
    func stopImmediatelyIfRunning() async throws -> ProcessResult? {
        guard isRunning else { return nil }
        let stop = [Self.pgCtl, "-D", dataDirectory, "stop", "-m", "immediate", "-w"]
        if geteuid() == 0 {
            // As dmsd runs it: the data directory is root's (0700), so the user needs to traverse it.
            return try await runProcess(
                "/usr/bin/setpriv",
                [
                    "--reuid=dms-postgres", "--regid=dms-postgres", "--init-groups", "--inh-caps=+dac_read_search",
                    "--ambient-caps=+dac_read_search", "--",
                ] + stop)
        }
        return try await runProcess(stop[0], Array(stop.dropFirst()))
    }
}

extension DaemonProcess {
    /// Sends SIGKILL and waits until the process is dead (a zombie, or gone).
    ///
    /// Foundation's `Process` learns of an exit when a socket it passed to the child closes; the
    /// embedded PostgreSQL dmsd started inherited that socket and keeps it open, so neither
    /// `stop(signal:)` nor `kill()` returns while the cluster runs. This looks at /proc instead,
    /// then searches what dmsd left (the running cluster's files included) for the canary.
    func killLeavingItsCluster(within timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let pid = process.processIdentifier
        Foundation.kill(pid, SIGKILL)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return await checkForCanary(sourceLocation: sourceLocation) }
            let state = stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).prefix(1)
            if state == "Z" || state == "X" { return await checkForCanary(sourceLocation: sourceLocation) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestSupportError("dmsd (pid \(pid)) did not die within \(timeout) of SIGKILL")
    }
}
