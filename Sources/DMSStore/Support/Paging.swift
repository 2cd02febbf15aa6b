import DMSWire
import Foundation

/// Keyset pagination: a page token is the opaque, URL-safe form of the last name of the previous
/// page, so pages stay correct while rows are added or removed between calls.
enum Paging {
    /// The page size a request means: 0 → 100; at most 1000.
    static func size(_ requested: Int32, field: String = "page_size") throws -> Int {
        guard requested >= 0 else { throw RPCError.invalidArgument([.init(field: field, description: "must not be negative")]) }
        return requested == 0 ? 100 : min(Int(requested), 1000)
    }

    /// The last key of the previous page, from a token ("" → start).
    static func after(_ token: String, field: String = "page_token") throws -> String {
        guard !token.isEmpty else { return "" }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8), text.hasPrefix("k:") else {
            throw RPCError.invalidArgument([.init(field: field, description: "is not a page token of this list")])
        }
        return String(text.dropFirst(2))
    }

    /// The key of a row of a list ordered by name, then namespace.
    static func key(name: String, namespace: String) -> String { "\(name)\t\(namespace)" }

    /// The last (name, namespace) of the previous page, from a token ("" → start).
    static func namespacedAfter(_ token: String, field: String = "page_token") throws -> (name: String, namespace: String) {
        let key = try after(token, field: field)
        guard !key.isEmpty else { return ("", "") }
        let parts = key.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw RPCError.invalidArgument([.init(field: field, description: "is not a page token of this list")]) }
        return (String(parts[0]), String(parts[1]))
    }

    /// The token that continues after `key`.
    static func token(after key: String) -> String {
        Data("k:\(key)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Splits `rows` (fetched with limit `size + 1`) into the page and the next token.
    static func page<Row>(_ rows: [Row], size: Int, key: (Row) -> String) -> (rows: [Row], next: String) {
        guard rows.count > size else { return (rows, "") }
        let page = Array(rows.prefix(size))
        return (page, token(after: key(page[page.count - 1])))
    }

    /// A LIKE pattern matching names that start with `prefix` (wildcards in it escaped).
    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
