import DMSPostgres
import Foundation

/// Searches files, logs and databases for the canary in clear: its bytes as they are, and in a
/// database also as the hex digits PostgreSQL shows a `bytea` in.
///
/// Every search is blocking (file reads, libpq): run it off Swift concurrency's cooperative threads.
public struct CanaryScan: Sendable {
    /// The secret searched for.
    public let secret: String
    /// At most this many hits are reported per file or table.
    public var hitsPerPlace = 5

    /// A scan for `secret`.
    public init(secret: String = Canary.secret) {
        self.secret = secret
    }

    // MARK: - Files

    /// Searches every regular file under `directory`, recursively, without following links.
    public func files(under directory: String) -> [CanaryLeak] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var leaks: [CanaryLeak] = []
        for case let relative as String in enumerator {
            leaks += file("\(directory)/\(relative)")
        }
        return leaks
    }

    /// Searches the regular file at `path` from byte `offset` on; reports `path:line (byte n)`.
    /// Anything else (a directory, a socket, a file gone meanwhile) is skipped.
    public func file(_ path: String, from offset: Int = 0) -> [CanaryLeak] {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) > offset,
            let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        else { return [] }
        return data.withUnsafeBytes { buffer in
            let bytes = buffer.bindMemory(to: UInt8.self)
            return Self.offsets(of: Array(secret.utf8), in: bytes, from: min(offset, bytes.count)).prefix(hitsPerPlace).map { hit in
                let lineStart = bytes[..<hit].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let line = 1 + bytes[..<lineStart].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                let lineEnd = bytes[hit...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                let shown = max(lineStart, hit - 120)..<min(lineEnd, hit + secret.utf8.count + 120)
                return CanaryLeak(location: "\(path):\(line) (byte \(hit))", excerpt: masked(Array(bytes[shown])))
            }
        }
    }

    // MARK: - Databases

    /// Searches every row of every table outside PostgreSQL's own schemas, column by column, in
    /// PostgreSQL's text form of each value (so `jsonb`, arrays and `bytea`, as hex digits, are
    /// searched too); reports the table, the column and the row's `id` or `name`. The canary is never sent to
    /// the server: rows come to the test process and are searched here.
    public func database(conninfo: String) throws -> [CanaryLeak] {
        let connection = try PostgresConnection(conninfo: conninfo, applicationName: "dms-test-canary-scan")
        let tables = try connection.query(
            """
            SELECT format('%I.%I', schemaname, tablename) AS name
            FROM pg_tables
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1
            """)
        let hex = secret.utf8.map { String(format: "%02x", $0) }.joined()
        var leaks: [CanaryLeak] = []
        for table in tables {
            let table = try table.string("name")
            let rows = try connection.query("SELECT * FROM \(table)")
            let keyColumn = ["id", "name"].lazy.compactMap { key in rows.columns.firstIndex(of: key).map { (name: key, index: $0) } }
                .first
            var hits = 0
            for (index, values) in rows.values.enumerated() where hits < hitsPerPlace {
                for (column, value) in zip(rows.columns, values) {
                    guard let value, value.contains(secret) || value.contains(hex) else { continue }
                    hits += 1
                    let row = keyColumn.flatMap { key in values[key.index].map { "\(key.name) \($0)" } } ?? "row \(index + 1)"
                    let shown = value.replacingOccurrences(of: hex, with: Canary.mask)
                    leaks.append(CanaryLeak(location: "table \(table), column \(column), \(row)", excerpt: masked(Array(shown.utf8))))
                }
            }
        }
        return leaks
    }

    // MARK: - Searching

    /// The byte offsets at which `needle` starts in `haystack`, from `start` on: `memchr` finds
    /// each candidate first byte, `memcmp` checks the rest (glibc's `memmem` is a GNU extension
    /// Swift's Glibc module leaves out).
    static func offsets(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int) -> [Int] {
        guard let base = haystack.baseAddress, let first = needle.first else { return [] }
        var found: [Int] = []
        var position = start
        while position + needle.count <= haystack.count,
            let candidate = memchr(base + position, Int32(first), haystack.count - needle.count + 1 - position)
        {
            let offset = UnsafeRawPointer(candidate) - UnsafeRawPointer(base)
            if memcmp(base + offset, needle, needle.count) == 0 {
                found.append(offset)
                position = offset + needle.count
            } else {
                position = offset + 1
            }
        }
        return found
    }

    /// `bytes` as text with the canary masked and control bytes shown as dots.
    public func masked(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.map { $0 < 0x20 && $0 != 0x09 ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
        return text.replacingOccurrences(of: secret, with: Canary.mask)
    }
}
