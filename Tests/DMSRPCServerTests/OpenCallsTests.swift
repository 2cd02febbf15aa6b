import DMSWire
import Testing

@testable import DMSRPCServer

/// The per-connection call table, driven without any I/O.
@Suite struct OpenCallsTests {
    /// One opened call and what its handler is told.
    struct Probe {
        let stream: AsyncStream<OpenCalls.StopReason>
        let continuation: AsyncStream<OpenCalls.StopReason>.Continuation

        init() { (stream, continuation) = AsyncStream.makeStream(of: OpenCalls.StopReason.self) }

        /// Everything yielded; call once the call has been closed (which finishes the stream).
        func received() async -> [OpenCalls.StopReason] {
            var reasons: [OpenCalls.StopReason] = []
            for await reason in stream { reasons.append(reason) }
            return reasons
        }
    }

    @Test func opensCallsUpToTheLimitAndRefusesTheNext() {
        var calls = OpenCalls(limit: 2)
        #expect(calls.open(1, kind: .unary, stop: Probe().continuation) == nil)
        #expect(calls.open(2, kind: .serverStreaming, stop: Probe().continuation) == nil)
        #expect(calls.count == 2)
        #expect(calls.open(3, kind: .unary, stop: Probe().continuation) == .tooManyCalls(limit: 2))
        #expect(calls.count == 2)
        _ = calls.close(1)
        #expect(calls.open(3, kind: .unary, stop: Probe().continuation) == nil)
    }

    @Test func refusesCallIDZero() {
        var calls = OpenCalls(limit: 10)
        #expect(calls.open(0, kind: .unary, stop: Probe().continuation) == .zeroCallID)
        #expect(calls.count == 0)
    }

    @Test func refusesAnIDThatIsStillOpenButAcceptsItAfterClose() {
        var calls = OpenCalls(limit: 10)
        #expect(calls.open(7, kind: .unary, stop: Probe().continuation) == nil)
        #expect(calls.open(7, kind: .serverStreaming, stop: Probe().continuation) == .duplicateCallID)
        #expect(calls.count == 1)
        _ = calls.close(7)
        #expect(calls.open(7, kind: .unary, stop: Probe().continuation) == nil)
    }

    @Test func protocolErrorsWinOverCapAndDrainRefusals() {
        var calls = OpenCalls(limit: 1)
        #expect(calls.open(1, kind: .unary, stop: Probe().continuation) == nil)
        // At the cap: a duplicate or zero id is still a protocol error, not a cap refusal.
        #expect(calls.open(1, kind: .unary, stop: Probe().continuation) == .duplicateCallID)
        #expect(calls.open(0, kind: .unary, stop: Probe().continuation) == .zeroCallID)
        _ = calls.beginDrain()
        #expect(calls.open(1, kind: .unary, stop: Probe().continuation) == .duplicateCallID)
        #expect(calls.open(0, kind: .unary, stop: Probe().continuation) == .zeroCallID)
    }

    @Test func refusesNewCallsWhileDraining() {
        var calls = OpenCalls(limit: 10)
        #expect(!calls.isDraining)
        _ = calls.beginDrain()
        #expect(calls.isDraining)
        #expect(calls.open(1, kind: .unary, stop: Probe().continuation) == .draining)
        #expect(calls.count == 0)
    }

    @Test func drainStopsStreamsButLetsUnaryCallsRunOn() async {
        var calls = OpenCalls(limit: 10)
        let unary = Probe()
        let stream = Probe()
        #expect(calls.open(1, kind: .unary, stop: unary.continuation) == nil)
        #expect(calls.open(2, kind: .serverStreaming, stop: stream.continuation) == nil)
        #expect(calls.beginDrain() == false)
        _ = calls.close(1)
        _ = calls.close(2)
        #expect(await unary.received() == [])
        #expect(await stream.received() == [.draining])
    }

    @Test func beginDrainReportsWhetherTheConnectionIsAlreadyIdle() {
        var idle = OpenCalls(limit: 10)
        #expect(idle.beginDrain() == true)
        var busy = OpenCalls(limit: 10)
        _ = busy.open(1, kind: .unary, stop: Probe().continuation)
        #expect(busy.beginDrain() == false)
    }

    @Test func closeReportsTrueOnlyWhenDrainingAndEmpty() {
        var calls = OpenCalls(limit: 10)
        _ = calls.open(1, kind: .unary, stop: Probe().continuation)
        _ = calls.open(2, kind: .unary, stop: Probe().continuation)
        _ = calls.open(3, kind: .unary, stop: Probe().continuation)
        #expect(calls.close(1) == false, "not draining")
        _ = calls.beginDrain()
        #expect(calls.close(2) == false, "call 3 is still open")
        #expect(calls.close(3) == true)
        #expect(calls.count == 0)
    }

    @Test func closeFinishesTheCallsStopStream() async {
        var calls = OpenCalls(limit: 10)
        let probe = Probe()
        _ = calls.open(4, kind: .serverStreaming, stop: probe.continuation)
        _ = calls.close(4)
        // Would hang if close did not finish the stream.
        #expect(await probe.received() == [])
        #expect(calls.cancel(4) == false)
    }

    @Test func cancelTellsOnlyThatCall() async {
        var calls = OpenCalls(limit: 10)
        let first = Probe()
        let second = Probe()
        _ = calls.open(1, kind: .unary, stop: first.continuation)
        _ = calls.open(2, kind: .serverStreaming, stop: second.continuation)
        #expect(calls.cancel(2) == true)
        _ = calls.close(1)
        _ = calls.close(2)
        #expect(await first.received() == [])
        #expect(await second.received() == [.cancelledByClient])
    }

    @Test(arguments: [UInt64(0), 5, .max])
    func cancelOfAnUnknownCallReturnsFalse(id: UInt64) {
        var calls = OpenCalls(limit: 10)
        _ = calls.open(1, kind: .unary, stop: Probe().continuation)
        #expect(calls.cancel(id) == false)
        #expect(calls.count == 1)
    }

    @Test(arguments: [OpenCalls.StopReason.connectionClosed, .draining, .cancelledByClient])
    func stopAllTellsEveryCallTheReason(reason: OpenCalls.StopReason) async {
        var calls = OpenCalls(limit: 10)
        let probes = [Probe(), Probe(), Probe()]
        for (index, probe) in probes.enumerated() {
            _ = calls.open(UInt64(index + 1), kind: index == 0 ? .unary : .serverStreaming, stop: probe.continuation)
        }
        calls.stopAll(reason)
        for index in probes.indices { _ = calls.close(UInt64(index + 1)) }
        for probe in probes {
            #expect(await probe.received() == [reason])
        }
    }
}
