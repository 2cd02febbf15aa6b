import Foundation

/// Threads for a pool's blocking libpq work: as many at once as the pool may have connections.
///
/// Not a Dispatch queue: on Linux a concurrent queue runs about as many blocks at once as the
/// machine has cores (measured here: eight blocks of 100 ms took 0.4 s on 2 cores), so a pool of
/// 16 connections would have waited in line behind two slow statements. A thread is made when a
/// job finds none idle, up to `limit`, and ends after `idleTimeout` without work. Jobs always run,
/// in the order submitted; nothing is cancelled.
final class BlockingThreads: @unchecked Sendable {  // every var is read and written under `condition`'s lock
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var threads = 0
    private var idle = 0
    private let limit: Int
    private let idleTimeout: TimeInterval
    private let name: String

    /// Threads that together run at most `limit` jobs at once, named `name`.
    init(limit: Int, name: String, idleTimeout: Duration = .seconds(30)) {
        self.limit = max(1, limit)
        self.name = name
        self.idleTimeout = Double(idleTimeout.components.seconds) + Double(idleTimeout.components.attoseconds) / 1e18
    }

    /// Threads alive now, busy or idle.
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    /// Runs `job` on one of the threads: an idle one, a new one while fewer than `limit` exist, or
    /// else the first to finish what it is doing.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        // Idle threads not yet woken still count as idle: one each for the jobs waiting.
        let wake = jobs.count <= idle
        let spawn = !wake && threads < limit
        if wake { condition.signal() }
        if spawn { threads += 1 }
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in work() }
            thread.name = name
            thread.start()
        }
    }

    private func work() {
        condition.lock()
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            idle += 1
            let woken = condition.wait(until: Date(timeIntervalSinceNow: idleTimeout))
            idle -= 1
            if !woken, jobs.isEmpty { break }
        }
        threads -= 1
        condition.unlock()
    }
}
