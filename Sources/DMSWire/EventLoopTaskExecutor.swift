import NIOCore

/// A `TaskExecutor` that runs jobs on one NIO event loop.
///
/// A task that prefers it (`Task(executorPreference:)`, `withTaskExecutorPreference`) runs its
/// nonisolated code on the loop that also does its channel's I/O: resuming it after a read, or
/// writing from it, then needs no hop to another thread and no wake-up of a sleeping one. Actors
/// still run on their own executors. Only for short, non-blocking work: anything that blocks (libpq,
/// file I/O) must run elsewhere, as it always has.
///
/// swift-nio 2.101 makes event loops `SerialExecutor`s but offers no `TaskExecutor`; this is the
/// small adapter.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor running jobs on `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
