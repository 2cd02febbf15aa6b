import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// Sends the items of one server-streaming call.
///
/// `write` returns once the connection has taken the frame, and waits while it cannot: a client
/// that stops reading stalls its streams instead of growing the server's memory.
public struct ServerStreamWriter<Item: SwiftProtobuf.Message & Sendable>: Sendable {
    let callID: UInt64
    let sink: FrameSink

    /// Sends one item as a MESSAGE frame.
    public func write(_ item: Item) async throws {
        try await sink.send(.message(callID: callID, payload: try item.serializedData()))
    }
}
