import DMSProto
import NIOCore

/// Splits a byte stream into frames: a 4-byte big-endian length, then that many bytes of one
/// `Dms_V1_Frame`.
///
/// The size limit is checked on the 4-byte prefix, before a single body byte is buffered, so a
/// peer that announces 4 GiB costs nothing. Zero-length frames are keep-alives and are skipped.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = Dms_V1_Frame

    /// The largest frame body accepted, in bytes.
    public let maximumFrameBytes: Int

    /// Creates a decoder that refuses bodies longer than `maximumFrameBytes`.
    public init(maximumFrameBytes: Int = WireLimits.defaultMaximumFrameBytes) {
        precondition(maximumFrameBytes > 0 && maximumFrameBytes <= Int(UInt32.max))
        self.maximumFrameBytes = maximumFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try decodeFrame(from: &buffer) else { return .needMoreData }
        if let frame { context.fireChannelRead(wrapInboundOut(frame)) }
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A peer that closes mid-frame simply loses that frame; there is no one left to answer.
        try decode(context: context, buffer: &buffer)
    }

    /// Takes one frame off the front of `buffer`.
    ///
    /// - Returns: `nil` when more bytes are needed; `.some(nil)` for a keep-alive; otherwise the frame.
    /// - Throws: ``FrameError`` for an oversize prefix or a body that is not a `Frame`.
    public func decodeFrame(from buffer: inout ByteBuffer) throws(FrameError) -> Dms_V1_Frame?? {
        var memo = FrameMemo()
        return try decodeFrame(from: &buffer, memo: &memo, remember: false)
    }

    /// ``decodeFrame(from:)`` for a stream whose previous frame is in `memo` (see ``FrameMemo``).
    public func decodeFrame(from buffer: inout ByteBuffer, memo: inout FrameMemo) throws(FrameError) -> Dms_V1_Frame?? {
        try decodeFrame(from: &buffer, memo: &memo, remember: true)
    }

    private func decodeFrame(from buffer: inout ByteBuffer, memo: inout FrameMemo, remember: Bool) throws(FrameError) -> Dms_V1_Frame?? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard UInt64(length) <= UInt64(maximumFrameBytes) else {
            throw FrameError(.frameTooLarge(length: Int(length), limit: maximumFrameBytes))
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        if length == 0 { return .some(nil) }
        let body = buffer.readSlice(length: Int(length))!
        return .some(
            try body.withUnsafeReadableBytes { bytes throws(FrameError) in
                remember ? try FrameCodec.decode(bytes, memo: &memo) : try FrameCodec.decode(bytes)
            })
    }
}

/// Writes frames as a 4-byte big-endian length and the serialized `Dms_V1_Frame`.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Dms_V1_Frame

    public init() {}

    public func encode(data: Dms_V1_Frame, out: inout ByteBuffer) throws {
        try Self.encode(data, into: &out)
    }

    /// Appends `frame` with its length prefix to `out`.
    public static func encode(_ frame: Dms_V1_Frame, into out: inout ByteBuffer) throws {
        try FrameCodec.encode(frame, into: &out)
    }
}
