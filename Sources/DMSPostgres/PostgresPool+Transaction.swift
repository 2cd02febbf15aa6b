/// Transactions over the pool.
extension PostgresPool {
    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back
    /// when it throws. A serialization failure or deadlock retries the whole body (up to
    /// `attempts` times), so `body` must do nothing but database work.
    public func withTransaction<Result: Sendable>(
        isolation: IsolationLevel = .readCommitted, attempts: Int = 5,
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try connection.execute(script: "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
                    do {
                        let result = try body(connection)
                        try connection.execute(script: "COMMIT")
                        return result
                    } catch {
                        if connection.isHealthy { try? connection.execute(script: "ROLLBACK") }
                        throw error
                    }
                }
            } catch let error as PostgresError where error.code.isTransient && attempt < attempts {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(10 * attempt))))
            }
        }
    }

    /// How isolated a transaction is.
    public enum IsolationLevel: String, Sendable {
        /// PostgreSQL's default.
        case readCommitted = "READ COMMITTED"
        /// One snapshot for the whole transaction.
        case repeatableRead = "REPEATABLE READ"
        /// As if transactions ran one after another; conflicts fail with 40001 and are retried.
        case serializable = "SERIALIZABLE"
    }
}
