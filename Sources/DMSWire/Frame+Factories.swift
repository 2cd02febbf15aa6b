import DMSProto
import Foundation

extension Dms_V1_Frame {
    /// A REQUEST opening call `callID` for `method`.
    public static func request(
        callID: UInt64, method: String, payload: Data, metadata: [String: String] = [:], timeoutMilliseconds: UInt64 = 0
    ) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = .request
        frame.callID = callID
        frame.method = method
        frame.metadata = metadata
        frame.timeoutMs = timeoutMilliseconds
        frame.payload = payload
        return frame
    }

    /// A MESSAGE carrying one stream item of call `callID`.
    public static func message(callID: UInt64, payload: Data) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = .message
        frame.callID = callID
        frame.payload = payload
        return frame
    }

    /// A successful END of call `callID`, with the unary response in `payload` when there is one.
    public static func end(callID: UInt64, payload: Data = Data()) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = .end
        frame.callID = callID
        frame.payload = payload
        frame.status = Dms_V1_Status()
        return frame
    }

    /// A failed END of call `callID` (or of the connection, for call 0).
    public static func end(callID: UInt64, error: RPCError) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = .end
        frame.callID = callID
        frame.status = error.status
        return frame
    }

    /// A CANCEL of call `callID`.
    public static func cancel(callID: UInt64) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = .cancel
        frame.callID = callID
        return frame
    }

    /// The GOAWAY a draining server sends.
    public static var goAway: Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        frame.type = .goaway
        return frame
    }
}
