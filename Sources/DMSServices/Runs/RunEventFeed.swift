import DMSStore
import Foundation

/// Tells watchers when new run events exist, from any replica: at once when this replica wrote
/// one (``poke()``) or another one announced one (``notified()``, from a ``RunEventListener``),
/// and by one poll of the newest event sequence per dmsd (not per watcher) every `interval` while
/// anyone waits, in case a notification was lost.
public actor RunEventFeed {
    private let runs: RunRepository
    private let interval: Duration
    private var latest: UInt64 = 0
    private var waiters: [UUID: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var poller: Task<Void, Never>?

    /// A feed over `runs`, polling every `interval` while watchers wait.
    public init(runs: RunRepository, interval: Duration = .milliseconds(200)) {
        self.runs = runs
        self.interval = interval
    }

    /// Returns once an event after `sequence` may exist, or after `timeout` (so callers re-check
    /// their own conditions, e.g. a cancelled call).
    public func wait(after sequence: UInt64, timeout: Duration = .seconds(1)) async {
        if latest > sequence { return }
        let id = UUID()
        startPolling()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.resume(id)
        }
        await withCheckedContinuation { continuation in
            waiters[id] = (sequence, continuation)
        }
        timer.cancel()
    }

    /// Wakes every waiter to look again (this replica just wrote an event).
    public func poke() {
        for id in Array(waiters.keys) { resume(id) }
    }

    /// Another replica (or this one) committed run events: look for them now.
    public func notified() async {
        guard !waiters.isEmpty else { return }
        await refresh()
    }

    private func resume(_ id: UUID) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }

    private func startPolling() {
        guard poller == nil else { return }
        poller = Task { [weak self] in
            while let self, await self.pollOnce() {}
        }
    }

    /// Reads the newest sequence and wakes the waiters it is news for.
    private func refresh() async {
        if let bounds = try? await runs.eventBounds(), bounds.latest > latest {
            latest = bounds.latest
            for (id, waiter) in waiters where waiter.after < latest { resume(id) }
        }
    }

    /// One poll; false when nobody waits any more (the poller then stops).
    private func pollOnce() async -> Bool {
        await refresh()
        guard !waiters.isEmpty else {
            poller = nil
            return false
        }
        try? await Task.sleep(for: interval)
        return true
    }
}
