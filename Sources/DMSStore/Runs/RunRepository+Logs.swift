import DMSPostgres
import DMSProto
import DMSWire
import Foundation

extension RunRepository {
    /// Appends `text` (already free of secrets) to the log of a run held with `fence`; false when
    /// the claim was lost.
    @discardableResult
    public func appendLog(_ text: String, to id: String, fence: Int64) async throws -> Bool {
        guard !text.isEmpty else { return true }
        let uuid = try Self.id(id)
        return try await pool.withTransaction { db in try Self.appendLog(text, to: uuid, fence: fence, in: db) }
    }

    /// Appends `text` to a run's log within the caller's transaction (with `fence`: only while
    /// that claim holds; false otherwise).
    @discardableResult
    static func appendLog(_ text: String, to id: UUID, fence: Int64? = nil, in db: PostgresConnection) throws -> Bool {
        let length = Int64(text.utf8.count)
        guard
            let row = try db.query(
                """
                UPDATE migration_job_runs SET log_bytes = log_bytes + $3 WHERE id = $1 AND ($2::int8 IS NULL OR fence = $2)
                RETURNING log_bytes - $3 AS start
                """, id, fence, length
            ).first
        else { return false }
        try db.query(#"INSERT INTO run_logs (run_id, "offset", data) VALUES ($1, $2, $3)"#, id, try row.int64("start"), text)
        return true
    }

    /// A run's log from byte `offset` (negative: from the end, moved forward to a line start), at
    /// most about `maxBytes`: the text, where it starts, the log's length, and whether the run has
    /// ended.
    public func readLog(id text: String, from offset: Int64, maxBytes: Int, scope: AccessScope) async throws -> RunLogSlice {
        let id = try Self.id(text, field: "run_id")
        return try await pool.withConnection { db in
            guard
                let run = try db.query(
                    "SELECT log_bytes, state FROM migration_job_runs WHERE id = $1 AND ($2::text IS NULL OR namespace = $2)", id, scope.namespace
                ).first
            else { throw RPCError(.notFound, "no run \(text)") }
            let length = try run.int64("log_bytes")
            let ended = RunStateMachine.isFinal(RunStateMachine.state(named: try run.string("state")) ?? .running)
            var start = offset >= 0 ? min(offset, length) : max(0, length + offset)
            var bytes = [UInt8]()
            for chunk in try db.query(
                #"""
                SELECT "offset", data FROM run_logs WHERE run_id = $1 AND "offset" + octet_length(data) > $2
                ORDER BY "offset" LIMIT 256
                """#, id, start)
            {
                let chunkStart = try chunk.int64("offset")
                let data = Array(try chunk.string("data").utf8)
                let skip = Int(max(0, start - chunkStart))
                if bytes.isEmpty, skip > 0 { bytes.append(contentsOf: data[skip...]) } else { bytes.append(contentsOf: data) }
                if bytes.count >= maxBytes { break }
            }
            if offset < 0, start > 0, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                // From the end: begin at the first whole line.
                bytes.removeSubrange(...newline)
                start += Int64(newline + 1)
            }
            // Starting inside a chunk may land inside a character: begin at the next one.
            while let first = bytes.first, first & 0xC0 == 0x80 {
                bytes.removeFirst()
                start += 1
            }
            // Chunks are whole strings and the slice ends at a chunk end, so it ends on a character.
            let text = String(decoding: bytes, as: UTF8.self)
            return RunLogSlice(offset: start, text: text, logLength: length, runEnded: ended)
        }
    }
}

/// A piece of a run's log, as read.
public struct RunLogSlice: Sendable, Equatable {
    /// Byte offset of `text` in the log.
    public var offset: Int64
    public var text: String
    /// The log's length when it was read.
    public var logLength: Int64
    /// Whether the run had ended (so the log is complete once `offset + text` reaches the length).
    public var runEnded: Bool
}
