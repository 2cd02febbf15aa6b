import DMSWire

/// Read-modify-write with optimistic concurrency: an update carries the revision it read, and the
/// server answers `ABORTED` when the resource moved on meanwhile.
public enum RevisionConflict {
    /// Runs `body`; an `ABORTED` answer becomes an ``OperationError`` (refused) saying that
    /// someone else changed `what` since it was read at `revision`.
    public static func reporting<Result>(
        _ what: String, readRevision revision: Int64, _ body: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await body()
        } catch let error as RPCError where error.code == .aborted {
            throw OperationError(
                .refused,
                "\(what) was changed by someone else since it was read (revision \(revision)); nothing was changed. "
                    + "Read it again and retry. (ABORTED: \(error.message))",
                cause: error)
        }
    }
}
