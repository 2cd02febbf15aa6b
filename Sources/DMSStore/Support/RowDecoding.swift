import DMSCatalog
import DMSPostgres
import DMSWire
import Foundation
import SwiftProtobuf

/// Reading the store's columns back into contract types.
extension PostgresRow {
    /// A `*_us` column (microseconds since 1970, as selected by ``SQLFragments/time(_:)``) as a
    /// protobuf timestamp.
    func timestamp(_ column: String) throws -> Google_Protobuf_Timestamp {
        let micros = try int64(column)
        return Google_Protobuf_Timestamp(seconds: micros.floorDiv(1_000_000), nanos: Int32(micros.floorMod(1_000_000) * 1000))
    }

    /// An optional `*_us` column.
    func optionalTimestamp(_ column: String) throws -> Google_Protobuf_Timestamp? {
        guard try text(column) != nil else { return nil }
        return try timestamp(column)
    }

    /// A `jsonb` column holding an object.
    func object(_ column: String) throws -> [String: JSONValue] {
        let text = try string(column)
        guard let object = (try? JSONValue(parsing: text))?.objectValue else {
            throw PostgresError(code: .unexpectedResult, message: "column \"\(column)\" is not a JSON object")
        }
        return object
    }
}

/// SQL text shared by the repositories.
enum SQLFragments {
    /// Selects a timestamptz column as microseconds since 1970, named `<column>_us`.
    static func time(_ column: String) -> String {
        "(floor(extract(epoch FROM \(column)) * 1000000))::int8 AS \(column)_us"
    }
}

extension Int64 {
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorMod(_ divisor: Int64) -> Int64 {
        self - floorDiv(divisor) * divisor
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The object as compact JSON text with sorted keys.
    var jsonText: String { JSONValue.object(self).serialized() }
}
