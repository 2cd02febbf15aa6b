import Dispatch
import Foundation
import Synchronization

/// Threads for a pool's blocking libpq work: as many at once as the pool may have connections.
///
/// Not a Dispatch queue: on Linux a concurrent queue runs about as many blocks at once as the
/// machine has cores (measured here: eight blocks of 100 ms took 0.4 s on 2 cores), so a pool of
/// 16 connections would have waited in line behind two slow statements. A job goes to the thread
/// that went idle last (its caches are the warmest), else to a new thread while fewer than
/// `limit` exist, else waits for the first to finish. Each thread sleeps on a semaphore of its
/// own, so handing over a job wakes just that thread and nobody else contends for a lock. A
/// thread ends after `idleTimeout` without work. Jobs always run; nothing is cancelled.
final class BlockingThreads: Sendable {
    /// One thread: the semaphore it sleeps on, and the job handed to it.
    private final class Worker: @unchecked Sendable {  // `job` is written under `state`'s lock before `wake` is signalled, and read after it is
        let wake = DispatchSemaphore(value: 0)
        var job: (@Sendable () -> Void)?
    }

    private struct State {
        /// Threads waiting for work, the one that went idle last at the end.
        var idle: [Worker] = []
        /// Jobs no thread was free for.
        var waiting: [@Sendable () -> Void] = []
        var threads = 0
    }

    private let state = Mutex(State())
    private let limit: Int
    private let idleTimeout: Duration
    private let name: String

    /// Threads that together run at most `limit` jobs at once, named `name`.
    init(limit: Int, name: String, idleTimeout: Duration = .seconds(30)) {
        self.limit = max(1, limit)
        self.name = name
        self.idleTimeout = idleTimeout
    }

    /// Threads alive now, busy or idle.
    var threadCount: Int { state.withLock { $0.threads } }

    /// Runs `job` on one of the threads.
    func submit(_ job: @escaping @Sendable () -> Void) {
        enum Action {
            case wake(Worker)
            case spawn
            case waits
        }
        let action: Action = state.withLock { state in
            if let worker = state.idle.popLast() {
                worker.job = job
                return .wake(worker)
            }
            if state.threads < limit {
                state.threads += 1
                return .spawn
            }
            state.waiting.append(job)
            return .waits
        }
        switch action {
        case .wake(let worker):
            worker.wake.signal()
        case .spawn:
            let thread = Thread { [self] in work(first: job) }
            thread.name = name
            thread.start()
        case .waits:
            break
        }
    }

    private func work(first: @escaping @Sendable () -> Void) {
        let worker = Worker()
        var job = first
        while true {
            job()
            let next: (@Sendable () -> Void)? = state.withLock { state in
                if !state.waiting.isEmpty { return state.waiting.removeFirst() }
                state.idle.append(worker)
                return nil
            }
            if let next {
                job = next
                continue
            }
            // Handed over with its job set; nil only when the thread retired.
            guard let handed = waitForJob(worker) else { return }
            job = handed
        }
    }

    /// Sleeps until a job is handed to `worker`; nil (the thread ends) after the idle timeout.
    private func waitForJob(_ worker: Worker) -> (@Sendable () -> Void)? {
        let nanoseconds = idleTimeout.components.seconds * 1_000_000_000 + idleTimeout.components.attoseconds / 1_000_000_000
        if worker.wake.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
            let retired = state.withLock { state in
                guard let index = state.idle.firstIndex(where: { $0 === worker }) else { return false }
                state.idle.remove(at: index)
                state.threads -= 1
                return true
            }
            if retired { return nil }
            // A job was handed over as the wait ran out: its signal is on the way.
            worker.wake.wait()
        }
        return state.withLock { _ in
            defer { worker.job = nil }
            return worker.job
        }
    }
}
