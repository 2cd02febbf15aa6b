import DMSProto
import DMSWire
import Synchronization

/// The calls a client has open on its connection, keyed by call id, and what happens to them as
/// frames arrive or the connection ends. Safe from any thread; the reader (the connection's
/// event loop) and callers share it.
final class CallTable: Sendable {
    /// Who waits for a call's frames.
    enum Pending: Sendable {
        case unary(ResponseSlot)
        case stream(AsyncThrowingStream<Dms_V1_Frame, any Error>.Continuation)
    }

    private struct State {
        var nextCallID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        /// Set once the server said GOAWAY or the connection ended: new calls fail with it.
        var refusal: RPCError?
    }

    private static let goingAway = RPCError(.unavailable, "server is shutting down")

    private let state = Mutex(State())

    init() {}

    /// A fresh call id.
    func nextCallID() -> UInt64 {
        state.withLock { state in
            defer { state.nextCallID += 1 }
            return state.nextCallID
        }
    }

    /// Registers call `callID`; returns why not when the connection refuses new calls.
    func register(_ callID: UInt64, _ pending: Pending) -> RPCError? {
        state.withLock { state in
            if let refusal = state.refusal { return refusal }
            state.pending[callID] = pending
            return nil
        }
    }

    /// Whether call `callID` still waits for frames.
    func isOpen(_ callID: UInt64) -> Bool {
        state.withLock { $0.pending[callID] != nil }
    }

    /// Forgets call `callID`, failing its waiter with `error`. Returns false when it was already gone.
    func abandon(_ callID: UInt64, with error: any Error) -> Bool {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: callID) }) else { return false }
        Self.fail(pending, error)
        return true
    }

    /// Hands a frame from the server to the call it belongs to.
    func receive(_ frame: Dms_V1_Frame) {
        switch frame.type {
        case .message:
            if case .stream(let continuation) = state.withLock({ $0.pending[frame.callID] }) {
                continuation.yield(frame)
            }
        case .end where frame.callID == 0:
            connectionEnded(RPCError(status: frame.status))
        case .end:
            switch state.withLock({ $0.pending.removeValue(forKey: frame.callID) }) {
            case .unary(let slot): slot.resolve(.success(frame))
            case .stream(let continuation):
                continuation.yield(frame)
                continuation.finish()
            case nil: break
            }
        case .goaway:
            state.withLock { $0.refusal = $0.refusal ?? Self.goingAway }
        default:
            break
        }
    }

    /// Fails every open call with `error` and refuses new ones with it.
    func connectionEnded(_ error: RPCError) {
        let pending = state.withLock { state in
            if state.refusal == nil || state.refusal == Self.goingAway { state.refusal = error }
            defer { state.pending.removeAll() }
            return state.pending.values
        }
        for entry in pending { Self.fail(entry, error) }
    }

    private static func fail(_ pending: Pending, _ error: any Error) {
        switch pending {
        case .unary(let slot): slot.resolve(.failure(error))
        case .stream(let continuation): continuation.finish(throwing: error)
        }
    }
}
