/// How the services and the rest of dmsd tell each other about runs: the event feed watchers wait
/// on, and the dispatcher's wake-up, called when a call created or cancelled a run so that it is
/// acted on now rather than at the next poll.
public struct RunSignals: Sendable {
    /// The feed WatchRuns waits on.
    public let feed: RunEventFeed
    /// Wakes this replica's dispatcher.
    public let wakeDispatcher: @Sendable () -> Void

    public init(feed: RunEventFeed, wakeDispatcher: @escaping @Sendable () -> Void = {}) {
        self.feed = feed
        self.wakeDispatcher = wakeDispatcher
    }

    /// A call changed runs: wake the dispatcher and the watchers.
    func runsChanged() async {
        wakeDispatcher()
        await feed.poke()
    }
}
