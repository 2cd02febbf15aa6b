import Synchronization

/// An answer given once, by whoever gives it first, to one waiter: for work that blocks a thread
/// of its own (libpq) where the waiting task must be able to stop waiting when it is cancelled.
///
/// The blocking work calls ``give(_:)`` when it is done; a cancellation handler calls it too,
/// with the answer for "stopped". The first one wins; a later one is dropped, so a thread that
/// finishes after the waiter has gone leaves nothing behind.
final class FirstAnswer<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, Never>)
        case given(Value)
        case taken
    }

    private let state = Mutex<State>(.empty)

    init() {}

    /// Gives `value`, unless an answer was given before.
    func give(_ value: Value) {
        let waiter: CheckedContinuation<Value, Never>? = state.withLock { state in
            switch state {
            case .empty:
                state = .given(value)
                return nil
            case .waiting(let continuation):
                state = .taken
                return continuation
            case .given, .taken:
                return nil
            }
        }
        waiter?.resume(returning: value)
    }

    /// Waits for the first answer (returns at once when it was given already). Call it once.
    func wait() async -> Value {
        await withCheckedContinuation { continuation in
            let ready: Value? = state.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .given(let value):
                    state = .taken
                    return value
                case .waiting, .taken:
                    preconditionFailure("FirstAnswer awaited twice")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
