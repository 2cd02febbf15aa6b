import CLibPQ
import Foundation

/// One libpq connection. Every call blocks, so it is used only off the event loops, by one task at
/// a time: ``PostgresPool`` hands it out and runs the work on its own threads.
///
/// Statements with parameters are prepared once per connection and reused (a cache by SQL text),
/// so repeated queries skip parsing and planning.
public final class PostgresConnection {
    private let handle: OpaquePointer
    private var preparedStatements: [String: String] = [:]

    /// Connects with `conninfo`: a libpq keyword/value string or a `postgresql://` URI, so `PG*`
    /// environment variables, `.pgpass` and `sslmode` behave as in every libpq program.
    public convenience init(conninfo: String, applicationName: String = "dmsd", connectTimeoutSeconds: Int = 10) throws {
        // Keys before "dbname" are defaults: the expanded conninfo overrides them.
        try self.init(
            parameters: [
                ("application_name", applicationName), ("connect_timeout", String(connectTimeoutSeconds)), ("client_encoding", "UTF8"),
                ("dbname", conninfo),
            ], expandDatabaseName: true)
    }

    /// Connects with libpq keyword/value `parameters` taken as they are (`dbname` is a name, never
    /// a conninfo), so a password among them is never part of a string libpq could echo.
    public convenience init(parameters: [(keyword: String, value: String)]) throws {
        try self.init(parameters: [("client_encoding", "UTF8")] + parameters, expandDatabaseName: false)
    }

    private init(parameters: [(keyword: String, value: String)], expandDatabaseName: Bool) throws {
        let handle = Self.withCStrings(parameters.map(\.keyword)) { keyPointers in
            Self.withCStrings(parameters.map(\.value)) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, expandDatabaseName ? 1 : 0)
            }
        }
        guard let handle else {
            throw PostgresError(code: .connectionFailure, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(code: .connectionFailure, message: Self.redactingConninfo(message))
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)  // NOTICEs are not errors; keep stderr clean
        // Sending never waits (``send(_:_:)``); the functions that wait for an answer (PQexec,
        // PQprepare, PQgetResult) flush and wait as in blocking mode, whatever this says.
        PQsetnonblocking(handle, 1)
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// True while the connection is usable.
    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server's version, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs one statement with `$1…$n` bound to `parameters` and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> PostgresRows {
        let name = try preparedName(for: sql, parameterCount: parameters.count)
        let texts = parameters.map(\.postgresText)
        let result = Self.withOptionalCStrings(texts) { pointers in
            PQexecPrepared(handle, name, Int32(texts.count), pointers, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs one statement with `$1…$n` bound to `parameters` and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: any PostgresBindable...) throws -> PostgresRows {
        try query(sql, parameters)
    }

    /// Sends one statement already prepared on this connection, with `$1…$n` bound to
    /// `parameters`, without waiting: the connection is in non-blocking mode, so this never blocks
    /// (what the socket cannot take yet stays buffered and goes with ``receive()``). Returns false,
    /// having sent nothing, when the statement is not prepared here yet or the send failed: then
    /// ``query(_:_:)-(String,[any PostgresBindable])`` does the whole work, and reports any error.
    public func send(_ sql: String, _ parameters: [any PostgresBindable]) -> Bool {
        guard let name = preparedStatements[sql] else { return false }
        let texts = parameters.map(\.postgresText)
        let sent = Self.withOptionalCStrings(texts) { pointers in
            PQsendQueryPrepared(handle, name, Int32(texts.count), pointers, nil, nil, 0)
        }
        return sent == 1
    }

    /// Waits for the answer of the statement ``send(_:_:)`` sent, and returns its rows.
    public func receive() throws -> PostgresRows {
        var rows: PostgresRows?
        var failure: (any Error)?
        // Every result is taken, up to the nil that ends the statement, so the connection is
        // ready for the next one whatever happened.
        while let result = PQgetResult(handle) {
            do {
                let consumed = try consume(result)
                if rows == nil { rows = consumed }
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        guard let rows else {
            throw PostgresError(code: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
        }
        return rows
    }

    /// Waits up to `timeout` for notifications on the channels this connection `LISTEN`s to and
    /// returns their channel names, in arrival order (empty when none came). Throws when the
    /// connection is lost, so a listener knows to reconnect.
    public func waitForNotifications(timeout: Duration) throws -> [String] {
        var channels = try consumeNotifications()
        guard channels.isEmpty else { return channels }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw PostgresError(code: .connectionFailure, message: "the connection has no socket") }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        if poll(&descriptor, 1, milliseconds) < 0, errno != EINTR {
            throw PostgresError(code: .connectionFailure, message: "poll: \(String(cString: strerror(errno)))")
        }
        channels = try consumeNotifications()
        return channels
    }

    /// Reads what the server sent and takes the notifications out of it.
    private func consumeNotifications() throws -> [String] {
        guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(code: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
        }
        var channels = [String]()
        while let notification = PQnotifies(handle) {
            channels.append(String(cString: notification.pointee.relname))
            PQfreemem(notification)
        }
        return channels
    }

    /// Runs SQL text with no parameters, which may hold several statements (migrations, `BEGIN`).
    public func execute(script sql: String) throws {
        _ = try consume(PQexec(handle, sql))
    }

    /// Resets a broken connection; returns whether it is usable again.
    public func reset() -> Bool {
        PQreset(handle)
        PQsetnonblocking(handle, 1)
        preparedStatements.removeAll()
        return isHealthy
    }

    private func preparedName(for sql: String, parameterCount: Int) throws -> String {
        if let name = preparedStatements[sql] { return name }
        let name = "dms_\(preparedStatements.count + 1)"
        _ = try consume(PQprepare(handle, name, sql, Int32(parameterCount), nil))
        preparedStatements[sql] = name
        return name
    }

    private func consume(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else {
            throw PostgresError(code: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(columns: [], values: [], affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
        case PGRES_TUPLES_OK:
            return rows(of: result)
        default:
            throw error(of: result)
        }
    }

    private func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var values = [[String?]]()
        values.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var fields = [String?]()
            fields.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    fields.append(nil)
                } else {
                    fields.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
            values.append(fields)
        }
        return PostgresRows(columns: columns, values: values, affectedRows: rowCount)
    }

    private func error(of result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let state = field(Int32(UInt8(ascii: "C")))  // PG_DIAG_SQLSTATE
        let primary = field(Int32(UInt8(ascii: "M"))) ?? Self.trimmed(PQerrorMessage(handle))
        return PostgresError(
            code: state.map(PostgresError.Code.init) ?? .connectionFailure,
            message: primary,
            detail: field(Int32(UInt8(ascii: "D"))),
            constraint: field(Int32(UInt8(ascii: "n"))),
            table: field(Int32(UInt8(ascii: "t"))))
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// libpq's connection messages name host, port and user but never the password; this is a
    /// second guard in case a conninfo fragment ever appears in one.
    static func redactingConninfo(_ message: String) -> String {
        message.replacingOccurrences(
            of: #"password\s*=\s*\S+"#, with: "password=********", options: .regularExpression)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let duplicates = strings.map { strdup($0) }
        defer { duplicates.forEach { free($0) } }
        return body(duplicates.map { UnsafePointer($0) } + [nil])
    }

    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let duplicates = strings.map { $0.map { strdup($0) } ?? nil }
        defer { duplicates.forEach { free($0) } }
        return body(duplicates.map { UnsafePointer($0) })
    }
}
