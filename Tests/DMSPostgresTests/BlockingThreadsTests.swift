import Foundation
import Synchronization
import Testing

@testable import DMSPostgres

@Suite("BlockingThreads")
struct BlockingThreadsTests {
    /// More blocked jobs than the machine has cores all run at once (a Dispatch queue on Linux
    /// runs about one per core and adds a thread a second while they stay blocked), and never on
    /// more threads than the limit. Submitted straight from the test, not from child tasks, so a
    /// busy cooperative pool cannot hold them back.
    @Test("runs as many blocked jobs at once as its limit, whatever the number of cores")
    func runsUpToItsLimitAtOnce() async throws {
        let blockers = ProcessInfo.processInfo.activeProcessorCount + 2
        let threads = BlockingThreads(limit: blockers, name: "test-blocking")
        let gate = Gate()
        let (started, finished) = (Counter(), Counter())
        for _ in 0..<blockers {
            threads.submit {
                started.add(1)
                gate.wait()
                finished.add(1)
            }
        }
        // Every job must be running (blocked at the gate) before the gate opens.
        let allStarted = await eventually { started.value == blockers }
        #expect(allStarted, "only \(started.value) of \(blockers) blocked jobs started")
        #expect(threads.threadCount <= blockers)
        gate.open()
        #expect(await eventually { finished.value == blockers })
    }

    @Test("a job submitted while every thread is busy waits for one and runs; threads are reused")
    func jobsBeyondTheLimitWaitForAThread() async throws {
        let threads = BlockingThreads(limit: 2, name: "test-blocking")
        let ran = Ran()
        for index in 0..<20 {
            threads.submit { ran.append(index) }
        }
        #expect(await eventually { ran.indices.count == 20 })
        #expect(ran.indices.sorted() == Array(0..<20))
        #expect(threads.threadCount <= 2)
    }

    @Test("idle threads end after the idle timeout, and a later job starts a new one")
    func idleThreadsEnd() async throws {
        let threads = BlockingThreads(limit: 3, name: "test-blocking", idleTimeout: .milliseconds(50))
        await withCheckedContinuation { continuation in threads.submit { continuation.resume() } }
        #expect(await eventually { threads.threadCount == 0 })
        let ran = await withCheckedContinuation { continuation in threads.submit { continuation.resume(returning: true) } }
        #expect(ran)
    }

    /// Polls `condition` until it holds or 20 s have passed (a guard against hanging, not a timing).
    private func eventually(_ condition: () -> Bool) async -> Bool {
        let giveUp = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < giveUp {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }
}

/// The indices of the jobs that ran.
final class Ran: Sendable {
    private let storage = Mutex<[Int]>([])

    var indices: [Int] { storage.withLock { $0 } }

    func append(_ index: Int) { storage.withLock { $0.append(index) } }
}

/// A gate blocked threads wait at until it opens (opens by itself after 30 s so a failing test ends).
final class Gate: Sendable {
    private let isOpen = Mutex(false)

    func wait() {
        let giveUp = ContinuousClock.now + .seconds(30)
        while !isOpen.withLock({ $0 }), ContinuousClock.now < giveUp { usleep(1000) }
    }

    func open() { isOpen.withLock { $0 = true } }
}
