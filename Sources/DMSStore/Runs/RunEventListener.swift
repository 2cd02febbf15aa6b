import DMSPostgres
import Foundation
import Logging
import Synchronization

/// Listens for `NOTIFY dms_run_events` (sent by every writer of a run event, on any replica, when
/// it commits) on a connection of its own, on a thread of its own, and calls `onEvent` for each
/// burst of them: watchers hear about a change committed anywhere within milliseconds instead of
/// at the next poll. When the connection is lost it reconnects (calling `onEvent` once it is
/// back, since notifications sent meanwhile are gone) until ``stop()``.
public final class RunEventListener: Sendable {
    private let conninfo: String
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)

    /// A listener on the database of `conninfo`; nothing happens until ``start(onEvent:)``.
    public init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Starts listening on a new thread.
    public func start(onEvent: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in listen(onEvent) }
        thread.name = "dms-run-event-listener"
        thread.start()
    }

    /// Stops listening (within a second).
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func listen(_ onEvent: @Sendable () -> Void) {
        var failures = 0
        while !stopped.load(ordering: .relaxed) {
            do {
                let connection = try PostgresConnection(conninfo: conninfo, applicationName: "dmsd-listener")
                try connection.execute(script: "LISTEN \(RunEvents.channel)")
                if failures > 0 {
                    logger.info("listening for run events again")
                    onEvent()
                }
                failures = 0
                while !stopped.load(ordering: .relaxed) {
                    if try !connection.waitForNotifications(timeout: .seconds(1)).isEmpty { onEvent() }
                }
            } catch {
                failures += 1
                if failures == 1 || failures % 20 == 0 {
                    logger.warning("the run event listener has no connection; reconnecting: \(error)", metadata: ["attempts": "\(failures)"])
                }
                Thread.sleep(forTimeInterval: min(Double(failures) * 0.5, 5))
            }
        }
    }
}
