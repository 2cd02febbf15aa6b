import DMSProto
import DMSWire
import SwiftProtobuf

/// An open server-streaming call: an `AsyncSequence` of its items that ends after the server's
/// END OK or throws the END's error status.
///
/// Stopping iteration (or cancelling the iterating task) abandons the call and tells the server.
/// ``cancel()`` instead asks the server to stop and keeps listening, so iteration then ends with
/// the server's acknowledgement, `RPCError(.cancelled)`.
public struct ServerStreamCall<Item: SwiftProtobuf.Message & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item

    /// The call's id on its connection.
    public let callID: UInt64
    let frames: AsyncThrowingStream<Dms_V1_Frame, any Error>
    let client: RPCClient

    /// Asks the server to stop the call; iteration ends with `RPCError(.cancelled)` once it has.
    public func cancel() {
        client.requestCancel(callID)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(frames: frames.makeAsyncIterator())
    }

    /// Decodes items and turns the END frame into the end of iteration or an error.
    public struct Iterator: AsyncIteratorProtocol {
        var frames: AsyncThrowingStream<Dms_V1_Frame, any Error>.AsyncIterator

        public mutating func next() async throws -> Item? {
            guard let frame = try await frames.next() else { return nil }
            switch frame.type {
            case .message:
                do {
                    return try Item(serializedBytes: frame.payload)
                } catch {
                    throw RPCError(.internal, "stream item is not a valid \(Item.protoMessageName)")
                }
            case .end where frame.status.code == .ok:
                return nil
            case .end:
                throw RPCError(status: frame.status)
            default:
                return try await next()
            }
        }
    }
}
