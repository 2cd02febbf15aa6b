import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import SwiftProtobuf
import Testing

/// Secrets go in and never come out: unique canary passwords are given to a Connection, a Source
/// and a Target (and in refused requests), then every answer, dmsd's log, every file of its data
/// directory and every row of its database are searched for them.
@Suite struct SecretRedactionTests {
    /// The canary passwords, each used only in secret fields.
    struct Canaries {
        let connection = "canary-connection-\(UUID().uuidString)"
        let source = "canary-source-\(UUID().uuidString)"
        let target = "canary-target-\(UUID().uuidString)"
        let rotated = "canary-rotated-\(UUID().uuidString)"
        let refused = "canary-refused-\(UUID().uuidString)"
        var all: [String] { [connection, source, target, rotated, refused] }
    }

    /// Every answer of the scenario: the messages of successes, the errors of failures.
    struct Answers {
        var messages: [any SwiftProtobuf.Message] = []
        var errors: [RPCError] = []

        mutating func record<M: SwiftProtobuf.Message>(_ message: M) -> M {
            messages.append(message)
            return message
        }

        /// Runs `call`, expects it to fail with `code`, and keeps the error.
        mutating func refusal<M>(_ code: RPCError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ call: () async throws -> M)
            async
        {
            do {
                let message = try await call()
                Issue.record("expected \(code.name), got \(message)", sourceLocation: sourceLocation)
            } catch let error as RPCError {
                #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
                errors.append(error)
            } catch {
                Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
            }
        }

        /// Every answer as text: JSON and text format of the messages, their binary form read as
        /// UTF-8, and each error's message and violations.
        func texts() throws -> [String] {
            try messages.flatMap { message in
                [
                    try message.jsonString(), message.textFormatString(),
                    String(decoding: try message.serializedBytes() as [UInt8], as: UTF8.self),
                ]
            } + errors.map { error in "\(error) " + error.violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ") }
        }
    }

    @Test func secretsAppearInNoAnswerLogLineFileOrDatabaseRow() async throws {
        let canaries = Canaries()
        try await withTemporaryDirectory { root in
            let daemon = try await DaemonProcess(root: root, arguments: ["--log-level", "trace"], database: .fresh)
            var answers = Answers()
            do {
                try await RPCClient.withConnection(try daemon.clientConfiguration()) { admin in
                    try await exercise(admin, canaries: canaries, answers: &answers)
                }
            } catch {
                await daemon.stop(signal: SIGKILL)
                throw error
            }
            #expect(await daemon.stop() == 0)

            let texts = try answers.texts()
            #expect(answers.messages.count > 20 && answers.errors.count >= 5)
            #expect(texts.contains { $0.contains(#""password":"********""#) }, "answers show the placeholder")
            for canary in canaries.all {
                let leaks = texts.filter { $0.contains(canary) }
                #expect(leaks.isEmpty, "answers hold \(canary): \(leaks)")
            }

            let log = daemon.log
            let wholeLog = log.contains("listening") && log.contains("stopped")
            #expect(wholeLog, "the log is dmsd's whole log: \(log.prefix(2000))")
            for canary in canaries.all {
                let leaks = log.split(separator: "\n").filter { $0.contains(canary) }
                #expect(leaks.isEmpty, "dmsd's log holds \(canary): \(leaks)")
            }

            let files = try filesUnder(root)
            #expect(files.contains { $0.hasSuffix("dmsd.log") } && files.contains { $0.hasSuffix("master.key") })
            for file in files {
                let contents = try Data(contentsOf: URL(fileURLWithPath: file))
                for canary in canaries.all {
                    #expect(contents.range(of: Data(canary.utf8)) == nil, "\(file) holds \(canary)")
                }
            }

            let dump = try await dumpDatabase(try #require(daemon.databaseURL))
            let dumpHoldsResources = dump.contains("vault-warehouse") && dump.contains("orders-copy")
            #expect(dumpHoldsResources, "the dump holds the resources: \(dump.prefix(2000))")
            for canary in canaries.all {
                let leaks = dump.split(separator: "\n").filter { $0.contains(canary) }
                #expect(leaks.isEmpty, "the database holds \(canary) in the clear: \(leaks)")
            }

            if let directory = try TestPostgres.shared().directory {
                let serverLog = (try? String(contentsOfFile: "\(directory)/postgres.log", encoding: .utf8)) ?? ""
                for canary in canaries.all {
                    let leaks = serverLog.split(separator: "\n").filter { $0.contains(canary) }
                    #expect(leaks.isEmpty, "the database server's log holds \(canary): \(leaks)")
                }
            }
        }
    }

    /// Creates, changes, upgrades, lists and reads resources with canary secrets, and makes
    /// refused requests carrying them; records every answer.
    private func exercise(_ admin: RPCClient, canaries: Canaries, answers: inout Answers) async throws {
        // Refused requests with a canary in the secret field: wrong type elsewhere, wrong type of
        // the secret itself, and the secret inside a nested value.
        var badPort = Dms_V1_CreateConnectionRequest.postgres(name: "refused-db", namespace: "default", password: canaries.refused)
        badPort.schema = badPort.schema.replacingOccurrences(of: "5432", with: #""not-a-port""#)
        await answers.refusal(.invalidArgument) { try await admin.unary(API.ConnectionService.createConnection, badPort) }
        var arrayPassword = Dms_V1_CreateConnectionRequest.postgres(name: "refused-db", namespace: "default", password: "x")
        arrayPassword.schema = arrayPassword.schema.replacingOccurrences(of: #""x""#, with: #"["\#(canaries.refused)"]"#)
        await answers.refusal(.invalidArgument) { try await admin.unary(API.ConnectionService.createConnection, arrayPassword) }

        let set = try await ResourceSet.create(
            in: "vault", using: admin, passwords: .init(connection: canaries.connection, source: canaries.source, target: canaries.target))
        for message in [set.namespace, set.connection, set.source, set.target, set.job, set.editor] as [any SwiftProtobuf.Message] {
            answers.messages.append(message)
        }
        expectRedacted(set.connection.schema, "the created connection's schema")
        expectRedacted(set.source.conf, "the created source's conf")
        expectRedacted(set.source.overrides, "the created source's overrides")
        expectRedacted(set.target.conf, "the created target's conf")
        expectRedacted(set.target.overrides, "the created target's overrides")

        var duplicate = Dms_V1_CreateConnectionRequest.postgres(name: set.connection.name, namespace: "vault", password: canaries.refused)
        duplicate.version = 2
        duplicate.schema = ResourceJSON.postgresSchema(host: "db.example.com", password: canaries.refused, version: 2)
        await answers.refusal(.alreadyExists) { try await admin.unary(API.ConnectionService.createConnection, duplicate) }

        // The placeholder keeps the stored password: sending it back with another host changes only
        // the host; sending the real password afterwards then changes nothing.
        var revision = set.connection.revision
        let moved = answers.record(
            try await admin.unary(
                API.ConnectionService.updateConnection,
                .replacingSchema(of: set.connection, revision: revision, host: "db2.example.com", password: "********")))
        #expect(moved.revision == revision + 1)
        expectRedacted(moved.schema, "the updated connection's schema")
        revision = moved.revision
        let same = answers.record(
            try await admin.unary(
                API.ConnectionService.updateConnection,
                .replacingSchema(of: set.connection, revision: revision, host: "db2.example.com", password: canaries.connection)))
        #expect(same.revision == revision, "the stored password is still the first canary")
        let rotated = answers.record(
            try await admin.unary(
                API.ConnectionService.updateConnection,
                .replacingSchema(of: set.connection, revision: revision, host: "db2.example.com", password: canaries.rotated)))
        #expect(rotated.revision == revision + 1, "a new password is a change")
        revision = rotated.revision
        let kept = answers.record(
            try await admin.unary(
                API.ConnectionService.updateConnection,
                .replacingSchema(of: set.connection, revision: revision, host: "db2.example.com", password: "********")))
        #expect(kept.revision == revision, "the placeholder with nothing else changed changes nothing")

        var stale = Dms_V1_UpdateConnectionRequest.replacingSchema(
            of: set.connection, revision: revision - 1, host: "db3.example.com", password: canaries.refused)
        await answers.refusal(.aborted) { try await admin.unary(API.ConnectionService.updateConnection, stale) }
        stale = .replacingSchema(of: set.connection, revision: revision, host: "", password: canaries.refused)
        await answers.refusal(.invalidArgument) { try await admin.unary(API.ConnectionService.updateConnection, stale) }

        // The same for a source's own override of the password.
        var sourceUpdate = Dms_V1_UpdateSourceRequest()
        sourceUpdate.id = set.source.id
        sourceUpdate.expectedRevision = set.source.revision
        sourceUpdate.conf = ResourceJSON.text(["table": "public.orders", "password": canaries.source])
        let sameSource = answers.record(try await admin.unary(API.SourceService.updateSource, sourceUpdate))
        #expect(sameSource.revision == set.source.revision, "the source's stored password is its canary")
        sourceUpdate.conf = ResourceJSON.text(["table": "public.customers", "password": "********"])
        let movedSource = answers.record(try await admin.unary(API.SourceService.updateSource, sourceUpdate))
        #expect(movedSource.revision == set.source.revision + 1)
        expectRedacted(movedSource.overrides, "the updated source's overrides")
        sourceUpdate.expectedRevision = movedSource.revision
        sourceUpdate.conf = ResourceJSON.text(["table": "public.customers", "password": canaries.source])
        #expect(
            answers.record(try await admin.unary(API.SourceService.updateSource, sourceUpdate)).revision == movedSource.revision,
            "the placeholder kept it")
        sourceUpdate.conf = #"{"table":"public.customers","password":{"nested":"\#(canaries.refused)"}}"#
        await answers.refusal(.invalidArgument) { try await admin.unary(API.SourceService.updateSource, sourceUpdate) }

        // Upgrading moves the sealed secrets to spec version 2; they still compare equal after.
        var upgrade = Dms_V1_UpgradeConnectionRequest()
        upgrade.id = set.connection.id
        upgrade.expectedRevision = revision
        upgrade.toVersion = 2
        let upgraded = answers.record(try await admin.unary(API.ConnectionService.upgradeConnection, upgrade))
        #expect(upgraded.version == 2)
        expectRedacted(upgraded.schema, "the upgraded connection's schema")
        var afterUpgrade = Dms_V1_UpdateConnectionRequest.replacingSchema(
            of: set.connection, revision: upgraded.revision, host: "db2.example.com", password: canaries.rotated)
        afterUpgrade.schema = ResourceJSON.postgresSchema(host: "db2.example.com", password: canaries.rotated, version: 2)
        let unchanged = answers.record(try await admin.unary(API.ConnectionService.updateConnection, afterUpgrade))
        #expect(unchanged.revision == upgraded.revision, "the upgrade carried the rotated password")

        // Read everything back, one by one and in lists.
        answers.messages.append(try await admin.unary(API.ConnectionService.getConnection, .with { $0.id = set.connection.id }))
        answers.messages.append(try await admin.unary(API.SourceService.getSource, .identified(id: set.source.id)))
        answers.messages.append(try await admin.unary(API.TargetService.getTarget, .identified(id: set.target.id)))
        answers.messages.append(try await admin.unary(API.MigrationJobService.getMigrationJob, .with { $0.id = set.job.id }))
        let snapshot = try await ResourceSnapshot.take(admin)
        answers.messages += snapshot.connections as [any SwiftProtobuf.Message]
        answers.messages += snapshot.sources as [any SwiftProtobuf.Message]
        answers.messages += snapshot.targets as [any SwiftProtobuf.Message]
        answers.messages += snapshot.jobs as [any SwiftProtobuf.Message]
        for source in snapshot.sources { expectRedacted(source.conf, "listed source \(source.name)") }
        for target in snapshot.targets { expectRedacted(target.conf, "listed target \(target.name)") }
        for connection in snapshot.connections { expectRedacted(connection.schema, "listed connection \(connection.name)") }
    }

    /// Expects `json`'s `password` to read "********".
    private func expectRedacted(_ json: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ResourceJSON.object(json)["password"] as? String == "********", "\(what): \(json)", sourceLocation: sourceLocation)
    }

    /// Every regular file under `root`, recursively.
    private func filesUnder(_ root: String) throws -> [String] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        return enumerator.compactMap { $0 as? String }.map { "\(root)/\($0)" }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// The rows of every table of the database at `url`, as `pg_dump --data-only` writes them.
    private func dumpDatabase(_ url: String) async throws -> String {
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        let pgDump = versions.last.map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } ?? "/usr/bin/pg_dump"
        let result = try await runProcess(pgDump, ["--data-only", "--no-owner", "--dbname=\(url)"])
        #expect(result.status == 0, "pg_dump: \(result.stderr)")
        return result.stdout
    }
}

extension Dms_V1_UpdateConnectionRequest {
    /// An update of `connection`'s whole schema (spec version 1 field names).
    static func replacingSchema(of connection: Dms_V1_Connection, revision: Int64, host: String, password: String) -> Self {
        var request = Self()
        request.id = connection.id
        request.expectedRevision = revision
        request.schema = ResourceJSON.postgresSchema(host: host, password: password)
        return request
    }
}
