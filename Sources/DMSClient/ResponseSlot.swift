import DMSProto
import Synchronization

/// Where the END frame of one unary call lands: resolved once by the reader (or by a failure),
/// awaited once by the caller, in either order. The state machine resumes the caller exactly
/// once, so the continuation need not be a checked one (which costs an allocation per call).
final class ResponseSlot: Sendable {
    private enum State {
        case empty
        case waiting(UnsafeContinuation<Dms_V1_Frame, any Error>)
        case done(Result<Dms_V1_Frame, any Error>)
    }

    private let state = Mutex(State.empty)

    /// Delivers the outcome; later deliveries are ignored.
    func resolve(_ result: Result<Dms_V1_Frame, any Error>) {
        let waiter: UnsafeContinuation<Dms_V1_Frame, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .done(result)
                return nil
            case .waiting(let continuation):
                state = .done(result)
                return continuation
            case .done:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    /// Waits for the outcome.
    func wait() async throws -> Dms_V1_Frame {
        try await withUnsafeThrowingContinuation { continuation in
            let ready: Result<Dms_V1_Frame, any Error>? = state.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .done(let result):
                    return result
                case .waiting:
                    preconditionFailure("ResponseSlot awaited twice")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
