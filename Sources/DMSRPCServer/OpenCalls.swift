import DMSProto
import DMSWire
import NIOCore

/// The calls open on one connection, as a value: every decision about opening, stopping,
/// finishing and draining is made here, with no I/O. ``ConnectionHandler`` carries the decisions
/// out: it cancels the tasks and timers these methods hand back, outside the lock.
struct OpenCalls {
    /// The task running a call's handler; its value is the call's END frame.
    typealias HandlerTask = Task<Dms_V1_Frame, Never>

    /// Why a running call is stopped before its handler finishes.
    enum StopReason: Sendable, Hashable {
        /// The client sent CANCEL: END(CANCELLED).
        case cancelledByClient
        /// The server is shutting down: END(UNAVAILABLE).
        case draining
        /// The call's timeout passed: END(DEADLINE_EXCEEDED).
        case deadlineExceeded
        /// The connection is gone: nothing is sent.
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

    /// What closing a call decided.
    struct Closing {
        /// Why the call was stopped, if it was: this decides its END frame.
        var stopReason: StopReason?
        /// The deadline timer to cancel, if the call had one.
        var deadline: Scheduled<Void>?
        /// True when the connection is draining and this was its last call.
        var drained: Bool
        /// True when no call is open any more.
        var empty: Bool
    }

    private struct Entry {
        let kind: MethodKind
        var task: HandlerTask?
        var deadline: Scheduled<Void>?
        var stopReason: StopReason?
    }

    private var entries: [UInt64: Entry] = [:]
    private(set) var isDraining = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Calls open now.
    var count: Int { entries.count }

    /// Opens call `id`; its task and deadline are attached right after.
    mutating func open(_ id: UInt64, kind: MethodKind) -> Refusal? {
        if id == 0 { return .zeroCallID }
        if entries[id] != nil { return .duplicateCallID }
        if isDraining { return .draining }
        if entries.count >= limit { return .tooManyCalls(limit: limit) }
        entries[id] = Entry(kind: kind)
        return nil
    }

    /// Attaches the task running call `id`. Returns the task when the call was stopped before it
    /// had one, so the caller cancels it at once.
    mutating func attach(_ id: UInt64, task: HandlerTask) -> HandlerTask? {
        guard entries[id] != nil else { return nil }
        entries[id]!.task = task
        return entries[id]!.stopReason == nil ? nil : task
    }

    /// Attaches the deadline timer of call `id`. Returns the timer when the call is already gone.
    mutating func attach(_ id: UInt64, deadline: Scheduled<Void>) -> Scheduled<Void>? {
        guard entries[id] != nil else { return deadline }
        entries[id]!.deadline = deadline
        return nil
    }

    /// Stops call `id` for `reason` (the first reason wins). Returns its task to cancel.
    mutating func stop(_ id: UInt64, _ reason: StopReason) -> HandlerTask? {
        guard let entry = entries[id], entry.stopReason == nil else { return nil }
        entries[id]!.stopReason = reason
        return entry.task
    }

    /// Forgets call `id` once its handler is done, saying how it ends.
    mutating func close(_ id: UInt64) -> Closing {
        let entry = entries.removeValue(forKey: id)
        return Closing(
            stopReason: entry?.stopReason, deadline: entry?.deadline,
            drained: isDraining && entries.isEmpty && entry != nil, empty: entries.isEmpty)
    }

    /// Refuses new calls from now on and stops the streams (which would never end by themselves);
    /// unary calls run on. Returns the tasks to cancel and whether no call is open.
    mutating func beginDrain() -> (cancel: [HandlerTask], empty: Bool) {
        isDraining = true
        let streams = entries.filter { $0.value.kind == .serverStreaming }.keys
        return (streams.compactMap { stop($0, .draining) }, entries.isEmpty)
    }

    /// Stops every open call for `reason`; returns the tasks to cancel.
    mutating func stopAll(_ reason: StopReason) -> [HandlerTask] {
        Array(entries.keys).compactMap { stop($0, reason) }
    }
}
