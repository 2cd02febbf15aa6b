import Foundation

/// The rows a statement returned, in text format, copied out of libpq's result.
public struct PostgresRows: Sendable, Sequence {
    /// Column names, in order.
    public let columns: [String]
    /// Each row's values; nil is SQL NULL.
    public let values: [[String?]]
    /// The number of rows the statement affected (INSERT/UPDATE/DELETE), or returned.
    public let affectedRows: Int

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
    }

    /// The number of rows returned.
    public var count: Int { values.count }
    /// True when no row was returned.
    public var isEmpty: Bool { values.isEmpty }
    /// The first row, if any.
    public var first: PostgresRow? { values.first.map { PostgresRow(values: $0, columns: columns) } }

    public func makeIterator() -> some IteratorProtocol<PostgresRow> {
        let columns = columns
        return values.lazy.map { PostgresRow(values: $0, columns: columns) }.makeIterator()
    }
}

/// One row of a result, read by column name.
public struct PostgresRow: Sendable {
    let values: [String?]
    /// The result's column names, shared by its rows. Looked up by a scan: a result has a few
    /// columns, mostly with short names, and comparing them costs less than hashing the name.
    let columns: [String]

    /// The text of `column` (the first column of that name); nil for NULL. Throws when the
    /// result has no such column.
    public func text(_ column: String) throws -> String? {
        guard let position = columns.firstIndex(of: column) else {
            throw PostgresError(code: .unexpectedResult, message: "the result has no column \"\(column)\"")
        }
        return values[position]
    }

    /// A non-NULL text column.
    public func string(_ column: String) throws -> String {
        guard let value = try text(column) else { throw Self.unexpectedNull(column) }
        return value
    }

    /// A non-NULL integer column.
    public func int64(_ column: String) throws -> Int64 {
        guard let value = Int64(try string(column)) else { throw Self.unparseable(column, as: "an integer") }
        return value
    }

    /// An integer column that may be NULL.
    public func optionalInt64(_ column: String) throws -> Int64? {
        guard let text = try text(column) else { return nil }
        guard let value = Int64(text) else { throw Self.unparseable(column, as: "an integer") }
        return value
    }

    /// A non-NULL floating-point column.
    public func double(_ column: String) throws -> Double {
        guard let value = try optionalDouble(column) else { throw Self.unexpectedNull(column) }
        return value
    }

    /// A floating-point column that may be NULL (`Infinity` and `-Infinity` included).
    public func optionalDouble(_ column: String) throws -> Double? {
        guard let text = try text(column) else { return nil }
        guard let value = Double(text) else { throw Self.unparseable(column, as: "a number") }
        return value
    }

    /// A non-NULL boolean column.
    public func bool(_ column: String) throws -> Bool {
        switch try string(column) {
        case "t": true
        case "f": false
        default: throw Self.unparseable(column, as: "a boolean")
        }
    }

    /// A `bytea` column (hex format), or nil for NULL.
    public func bytes(_ column: String) throws -> Data? {
        guard let text = try text(column) else { return nil }
        guard text.hasPrefix("\\x"), text.utf8.count % 2 == 0 else { throw Self.unparseable(column, as: "bytea") }
        var data = Data(capacity: (text.utf8.count - 2) / 2)
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            guard let nibble = HexDigits.value(byte) else { throw Self.unparseable(column, as: "bytea") }
            if let first = high {
                data.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return data
    }

    private static func unexpectedNull(_ column: String) -> PostgresError {
        PostgresError(code: .unexpectedResult, message: "column \"\(column)\" is NULL")
    }

    private static func unparseable(_ column: String, as kind: String) -> PostgresError {
        PostgresError(code: .unexpectedResult, message: "column \"\(column)\" is not \(kind)")
    }
}
