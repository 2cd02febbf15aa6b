import DMSWire

/// The calls open on one connection, as a value: every decision about opening, cancelling and
/// draining is made here, with no I/O, and carried out by ``ConnectionHandler``.
struct OpenCalls {
    /// Why a running call is told to stop.
    enum StopReason: Sendable, Hashable {
        /// The client sent CANCEL.
        case cancelledByClient
        /// The server is shutting down.
        case draining
        /// The connection is gone; nobody will read an answer.
        case connectionClosed
    }

    /// Why a REQUEST is not opened.
    enum Refusal: Hashable {
        /// The call id is 0: a protocol error that ends the connection.
        case zeroCallID
        /// The call id is already open: a protocol error that ends the connection.
        case duplicateCallID
        /// The connection is at its cap; only this call is refused.
        case tooManyCalls(limit: Int)
        /// The server is draining; only this call is refused.
        case draining
    }

    private struct Entry {
        let kind: MethodKind
        let stop: AsyncStream<StopReason>.Continuation
    }

    private var entries: [UInt64: Entry] = [:]
    private(set) var isDraining = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var count: Int { entries.count }

    /// Opens call `id`, whose handler learns of a stop through `stop`.
    mutating func open(_ id: UInt64, kind: MethodKind, stop: AsyncStream<StopReason>.Continuation) -> Refusal? {
        if id == 0 { return .zeroCallID }
        if entries[id] != nil { return .duplicateCallID }
        if isDraining { return .draining }
        if entries.count >= limit { return .tooManyCalls(limit: limit) }
        entries[id] = Entry(kind: kind, stop: stop)
        return nil
    }

    /// Forgets call `id`. Returns true when that leaves a draining connection with no calls.
    mutating func close(_ id: UInt64) -> Bool {
        entries.removeValue(forKey: id)?.stop.finish()
        return isDraining && entries.isEmpty
    }

    /// Tells call `id` the client cancelled it. Returns false for a call that is not open.
    mutating func cancel(_ id: UInt64) -> Bool {
        guard let entry = entries[id] else { return false }
        entry.stop.yield(.cancelledByClient)
        return true
    }

    /// Refuses new calls from now on and ends the streams (which would never finish by
    /// themselves). Unary calls run on. Returns true when no call is open.
    mutating func beginDrain() -> Bool {
        isDraining = true
        for entry in entries.values where entry.kind == .serverStreaming {
            entry.stop.yield(.draining)
        }
        return entries.isEmpty
    }

    /// Tells every open call to stop for `reason`.
    func stopAll(_ reason: StopReason) {
        for entry in entries.values { entry.stop.yield(reason) }
    }
}
