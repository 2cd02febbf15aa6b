import Dispatch
import Foundation

/// SIGINT (Ctrl-C) as something a task can wait for, so long-running commands stop cleanly.
public enum InterruptSignal {
    /// Runs `body`; a SIGINT meanwhile cancels it and returns `nil` instead of its result.
    /// Outside this scope SIGINT keeps its default action.
    public static func cancelling<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let (interrupts, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer {
            source.cancel()
            continuation.finish()
            signal(SIGINT, SIG_DFL)
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                for await _ in interrupts { return nil }
                throw CancellationError()  // the body finished first and cancelled this wait
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
