import DMSCatalog
import DMSProto
import DMSResourceOperations
import DMSWire
import Testing

/// The parts of the resource operations that need no server: where a source's fields come from,
/// paging, and how a stale revision is reported.
@Suite struct ResourceOperationTests {
    @Test func aFieldIsOverriddenInheritedOrDefaulted() {
        let fields = ConfOrigin.fields(
            conf: ["host": "db", "port": 6543, "table": "t", "fetchsize": 1000],
            overrides: ["port": 6543, "table": "t", "extra": true],
            connection: ["host": "db", "port": 5432])
        #expect(fields.map(\.key) == ["fetchsize", "host", "port", "table", "extra"], "sorted, keys only in overrides last")
        #expect(fields.map(\.origin) == [.defaulted, .inherited, .overridden, .overridden, .overridden])
        #expect(fields.first { $0.key == "port" }?.value == 6543, "the effective value")
        #expect(ConfOrigin.defaulted.rawValue == "default")
    }

    /// The contract's renamed_from_previous / removed_from_previous carry a schema as the
    /// server's catalog does (ConnectorTypeUpgradeTests holds the same steps), in version order
    /// whatever order the message lists them in, only over the versions asked for.
    @Test func aSchemaIsCarriedAcrossVersionsAsTheContractSays() {
        var type = Dms_V1_ConnectorType()
        type.versions = [
            .with { $0.version = 3; $0.renamedFromPrevious = ["b": "c"] },
            .with { $0.version = 1 },
            .with { $0.version = 2; $0.renamedFromPrevious = ["a": "b"]; $0.removedFromPrevious = ["old"] },
        ]
        let schema: [String: JSONValue] = ["a": 1, "old": true, "keep": "k"]
        #expect(type.carry(schema, from: 1, to: 3) == ["c": 1, "keep": "k"])
        #expect(type.carry(schema, from: 1, to: 2) == ["b": 1, "keep": "k"])
        #expect(type.carry(schema, from: 2, to: 3) == schema, "no field of version 2 is renamed by 3")
        #expect(type.carry(["a": 1, "b": 2], from: 1, to: 2) == ["b": 2], "a value already under the new name wins")
        #expect(type.carry(schema, from: 3, to: 3) == schema)
        #expect(type.carry(schema, from: 1, to: 9) == ["c": 1, "keep": "k"], "versions it does not hold change nothing")
    }

    @Test func withoutTheConnectionEveryFieldNotOverriddenCountsAsInherited() {
        let fields = ConfOrigin.fields(conf: ["host": "db", "fetchsize": 1000], overrides: [:], connection: nil)
        #expect(fields.map(\.origin) == [.inherited, .inherited])
    }

    @Test func pagingFollowsNextPageTokensToTheEndOnlyWhenAskedTo() async throws {
        let pages = ["": ([1, 2], "p2"), "p2": ([3], "p3"), "p3": ([4], "")]
        let all = try await Pager.collect(Pager.Plan(pageSize: 2, pageToken: "", followsAllPages: true)) { _, token in
            pages[token]!
        }
        #expect(all.items == [1, 2, 3, 4])
        #expect(all.nextPageToken.isEmpty)
        let first = try await Pager.collect(Pager.Plan(pageSize: 2, pageToken: "p2", followsAllPages: false)) { _, token in pages[token]! }
        #expect(first.items == [3])
        #expect(first.nextPageToken == "p3")
    }

    @Test func aServerThatRepeatsAPageTokenStopsThePaging() async {
        var calls = 0
        await #expect {
            try await Pager.collect(Pager.Plan.everything) { _, token in
                calls += 1
                return ([calls], token == "" ? "again" : "again")
            }
        } throws: { error in
            let failure = error as? OperationError
            return failure?.code == .failed && failure?.message == "the server repeated a page token; stopping after 2 items"
        }
        #expect(calls == 2)
    }

    @Test func anAbortedUpdateIsReportedAsChangedBySomeoneElse() async {
        await #expect {
            try await RevisionConflict.reporting("connection/pg-main", readRevision: 7) { () async throws -> Int in
                throw RPCError(.aborted, "revision 8 is newer")
            }
        } throws: { error in
            let failure = error as? OperationError
            return failure?.code == .refused
                && failure?.message == "connection/pg-main was changed by someone else since it was read (revision 7); nothing was "
                    + "changed. Read it again and retry. (ABORTED: revision 8 is newer)"
        }
        await #expect {
            try await RevisionConflict.reporting("connection/pg-main", readRevision: 7) { () async throws -> Int in
                throw RPCError(.notFound, "gone")
            }
        } throws: { error in
            (error as? RPCError)?.code == .notFound
        }
    }
}
