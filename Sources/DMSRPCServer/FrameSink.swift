import DMSProto
import NIOCore

/// The outbound side of one connection, shared by all of its calls.
struct FrameSink: Sendable {
    let writer: NIOAsyncChannelOutboundWriter<Dms_V1_Frame>

    /// Writes and flushes one frame, waiting while the connection is not writable.
    func send(_ frame: Dms_V1_Frame) async throws {
        try await writer.write(frame)
    }
}
