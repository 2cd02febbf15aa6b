import Foundation
import SwiftProtobuf

/// Timestamps in tables: an age (`45s`, `3m12s`, `2d04h`) in lists, an RFC 3339 time in details.
public enum TimestampText {
    /// How long ago `timestamp` was; `-` when unset.
    public static func age(_ timestamp: Google_Protobuf_Timestamp, isSet: Bool, now: Date = Date()) -> String {
        guard isSet else { return "-" }
        let seconds = max(0, now.timeIntervalSince(timestamp.date))
        return seconds < 60 ? "\(Int(seconds))s" : DurationText.seconds(seconds)
    }

    /// `2024-06-01T12:00:00Z`; `-` when unset.
    public static func time(_ timestamp: Google_Protobuf_Timestamp, isSet: Bool) -> String {
        guard isSet else { return "-" }
        return ISO8601DateFormatter().string(from: timestamp.date)
    }
}
