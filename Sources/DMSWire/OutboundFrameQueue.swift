import DMSProto
import NIOCore
import Synchronization

/// Frames waiting for one writer task, which takes all that are queued at once: many small frames
/// then leave in one write — one flush, one TLS record, one system call — instead of one each.
///
/// Queuing never waits and works from a cancelled task. It has no limit, so it is for frames whose
/// number is bounded elsewhere (a call's REQUEST or END, CANCEL, GOAWAY); stream items, which need
/// back-pressure, are written straight to the channel's writer.
public final class OutboundFrameQueue: Sendable {
    private struct State {
        var frames: [Dms_V1_Frame] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        var closeWhenEmpty = false
    }

    private let state = Mutex(State())

    /// Creates an empty queue.
    public init() {}

    /// Queues `frame`; returns false (dropping it) once the queue is finished.
    @discardableResult
    public func enqueue(_ frame: Dms_V1_Frame) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.finished else { return (false, nil) }
            state.frames.append(frame)
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Accepts no more frames; the writer writes what is queued and returns.
    public func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Asks the writer to run `onEmpty` (close the channel) once everything queued is written.
    public func closeWhenEmpty() {
        let waiter = state.withLock { state in
            state.closeWhenEmpty = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Writes queued frames in batches until the queue is finished or a write fails.
    ///
    /// - Parameter onEmpty: run once, after ``closeWhenEmpty()`` was asked and the queue is empty.
    public func run(writingTo writer: NIOAsyncChannelOutboundWriter<Dms_V1_Frame>, onEmpty: @Sendable () -> Void = {}) async {
        var closed = false
        while true {
            let (batch, finished, close) = state.withLock { state in
                defer { state.frames.removeAll(keepingCapacity: true) }
                return (state.frames, state.finished, state.closeWhenEmpty)
            }
            if !batch.isEmpty {
                do {
                    try await writer.write(contentsOf: batch)
                } catch {
                    return
                }
                continue
            }
            if close, !closed {
                closed = true
                onEmpty()
            }
            if finished { return }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    if !state.frames.isEmpty || state.finished || (state.closeWhenEmpty && !closed) { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}
