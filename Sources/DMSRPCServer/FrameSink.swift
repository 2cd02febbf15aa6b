import DMSProto

/// The outbound side of one connection for stream items, shared by all of its calls.
struct FrameSink: Sendable {
    private let sendFrame: @Sendable (Dms_V1_Frame) async throws -> Void

    /// A sink that sends with `send`, which returns once the connection has taken the frame and
    /// waits while it cannot take more.
    init(_ send: @escaping @Sendable (Dms_V1_Frame) async throws -> Void) {
        sendFrame = send
    }

    /// Writes one frame, waiting while the connection is not writable.
    func send(_ frame: Dms_V1_Frame) async throws {
        try await sendFrame(frame)
    }
}
