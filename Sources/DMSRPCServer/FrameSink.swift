import DMSProto
import NIOCore

/// The outbound side of one connection, shared by all of its calls.
struct FrameSink: Sendable {
    let writer: NIOAsyncChannelOutboundWriter<Dms_V1_Frame>

    /// Writes and flushes one frame, waiting while the connection is not writable.
    func send(_ frame: Dms_V1_Frame) async throws {
        try await writer.write(frame)
    }

    /// Writes `frame` and ignores a failure: for END frames whose call may outlive the connection.
    func sendIgnoringFailure(_ frame: Dms_V1_Frame) async {
        try? await writer.write(frame)
    }
}
