import DMSProto
import DMSWire
import Testing

@testable import DMSRPCServer

/// The per-connection call table, driven without any I/O: which calls open, which task each
/// decision hands back to cancel, and how each call ends.
@Suite struct OpenCallsTests {
    /// A task that runs until cancelled, standing in for a call's handler.
    static func handlerTask() -> OpenCalls.HandlerTask {
        Task {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
            return .end(callID: 1)
        }
    }

    @Test func opensCallsUpToTheLimitAndRefusesTheNext() {
        var calls = OpenCalls(limit: 2)
        #expect(calls.open(1, kind: .unary) == nil)
        #expect(calls.open(2, kind: .serverStreaming) == nil)
        #expect(calls.count == 2)
        #expect(calls.open(3, kind: .unary) == .tooManyCalls(limit: 2))
        #expect(calls.count == 2)
        _ = calls.close(1)
        #expect(calls.open(3, kind: .unary) == nil)
    }

    @Test func refusesCallIDZeroAndIDsStillOpen() {
        var calls = OpenCalls(limit: 10)
        #expect(calls.open(0, kind: .unary) == .zeroCallID)
        #expect(calls.open(7, kind: .unary) == nil)
        #expect(calls.open(7, kind: .serverStreaming) == .duplicateCallID)
        #expect(calls.count == 1)
        _ = calls.close(7)
        #expect(calls.open(7, kind: .unary) == nil)
    }

    @Test func protocolErrorsWinOverCapAndDrainRefusals() {
        var calls = OpenCalls(limit: 1)
        #expect(calls.open(1, kind: .unary) == nil)
        #expect(calls.open(1, kind: .unary) == .duplicateCallID)
        #expect(calls.open(0, kind: .unary) == .zeroCallID)
        _ = calls.beginDrain()
        #expect(calls.open(1, kind: .unary) == .duplicateCallID)
        #expect(calls.open(2, kind: .unary) == .draining)
    }

    @Test func stopHandsBackTheTaskOnceAndTheFirstReasonDecidesTheEnd() {
        var calls = OpenCalls(limit: 10)
        let task = Self.handlerTask()
        defer { task.cancel() }
        #expect(calls.open(1, kind: .unary) == nil)
        #expect(calls.attach(1, task: task) == nil)
        #expect(calls.stop(1, .deadlineExceeded) == task)
        #expect(calls.stop(1, .cancelledByClient) == nil)
        let closing = calls.close(1)
        #expect(closing.stopReason == .deadlineExceeded)
        #expect(closing.empty)
        #expect(!closing.drained)
    }

    @Test func aCallStoppedBeforeItsTaskIsAttachedHasItCancelledOnAttach() {
        var calls = OpenCalls(limit: 10)
        let task = Self.handlerTask()
        defer { task.cancel() }
        #expect(calls.open(4, kind: .unary) == nil)
        #expect(calls.stop(4, .cancelledByClient) == nil)
        #expect(calls.attach(4, task: task) == task)
        #expect(calls.close(4).stopReason == .cancelledByClient)
    }

    @Test func aCallThatFinishedNormallyEndsWithItsOwnOutcome() {
        var calls = OpenCalls(limit: 10)
        #expect(calls.open(9, kind: .serverStreaming) == nil)
        #expect(calls.close(9).stopReason == nil)
        #expect(calls.stop(9, .cancelledByClient) == nil)
    }

    @Test(arguments: [UInt64(0), 5, .max])
    func stoppingAnUnknownCallDoesNothing(id: UInt64) {
        var calls = OpenCalls(limit: 10)
        #expect(calls.open(1, kind: .unary) == nil)
        #expect(calls.stop(id, .cancelledByClient) == nil)
        #expect(calls.count == 1)
    }

    @Test func drainStopsStreamsButLetsUnaryCallsRunOn() {
        var calls = OpenCalls(limit: 10)
        let unary = Self.handlerTask()
        let stream = Self.handlerTask()
        defer {
            unary.cancel()
            stream.cancel()
        }
        #expect(calls.open(1, kind: .unary) == nil)
        #expect(calls.open(2, kind: .serverStreaming) == nil)
        _ = calls.attach(1, task: unary)
        _ = calls.attach(2, task: stream)
        let (cancel, empty) = calls.beginDrain()
        #expect(cancel == [stream])
        #expect(!empty)
        #expect(calls.close(2).stopReason == .draining)
        let last = calls.close(1)
        #expect(last.stopReason == nil)
        #expect(last.drained)
        #expect(last.empty)
    }

    @Test func beginDrainReportsWhetherTheConnectionIsAlreadyIdle() {
        var idle = OpenCalls(limit: 10)
        #expect(idle.beginDrain().empty)
        var busy = OpenCalls(limit: 10)
        #expect(busy.open(1, kind: .unary) == nil)
        #expect(!busy.beginDrain().empty)
    }

    @Test(arguments: [OpenCalls.StopReason.connectionClosed, .draining, .cancelledByClient, .deadlineExceeded])
    func stopAllStopsEveryCallWithTheReason(reason: OpenCalls.StopReason) {
        var calls = OpenCalls(limit: 10)
        let tasks = (1...3).map { _ in Self.handlerTask() }
        defer { tasks.forEach { $0.cancel() } }
        for (index, task) in tasks.enumerated() {
            #expect(calls.open(UInt64(index + 1), kind: index == 0 ? .unary : .serverStreaming) == nil)
            _ = calls.attach(UInt64(index + 1), task: task)
        }
        #expect(Set(calls.stopAll(reason)) == Set(tasks))
        for id in 1...3 { #expect(calls.close(UInt64(id)).stopReason == reason) }
    }

    @Test func endFramesFollowTheStopReason() {
        let outcome = Dms_V1_Frame.end(callID: 3)
        #expect(ConnectionHandler.endFrame(callID: 3, outcome: outcome, stopReason: nil, timeout: 0) == outcome)
        #expect(ConnectionHandler.endFrame(callID: 3, outcome: outcome, stopReason: .cancelledByClient, timeout: 0)?.status.code == .cancelled)
        #expect(ConnectionHandler.endFrame(callID: 3, outcome: outcome, stopReason: .draining, timeout: 0)?.status.code == .unavailable)
        let deadline = ConnectionHandler.endFrame(callID: 3, outcome: outcome, stopReason: .deadlineExceeded, timeout: 150)
        #expect(deadline?.status.code == .deadlineExceeded)
        #expect(deadline?.status.message == "deadline of 150 ms exceeded")
        #expect(ConnectionHandler.endFrame(callID: 3, outcome: outcome, stopReason: .connectionClosed, timeout: 0) == nil)
    }
}
