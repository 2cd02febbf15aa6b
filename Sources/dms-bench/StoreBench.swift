import ArgumentParser
import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import Foundation
import NIOCore

/// `dms-bench store`: CreateConnection and GetConnection through dmsd, next to the same rows
/// INSERTed and SELECTed with libpq on the same PostgreSQL (the baseline), at several
/// concurrency levels.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure connection creates and gets through dmsd against raw libpq INSERT/SELECT of the same rows.",
        discussion: """
            The bearer token comes from the DMS_TOKEN environment variable (never argv); it must \
            be allowed to create connections in the default namespace. --database is the conninfo of dmsd's \
            own database (no password in it: use PGPASSFILE or a socket with trust or peer auth). \
            For each concurrency level C: --count CreateConnection calls with distinct names, C in \
            flight over one connection to dmsd, then --gets GetConnection calls by id of those rows; \
            the baseline runs dmsd's INSERT … RETURNING and SELECT statements for the same rows \
            (same configuration JSON, secrets of the same size) on a scratch table \
            bench_connections shaped like connections, through a pool of C libpq connections. \
            Both sides are warmed up first, and each measurement is cut into --rounds slices that \
            alternate the sides, so a disturbance of the machine falls on both. The connections created through dmsd are left in \
            place (scripts/bench runs a throw-away dmsd); the scratch table is dropped.
            """)

    @OptionGroup var target: DaemonTargetOptions

    @Option(help: "libpq conninfo of dmsd's PostgreSQL database (the baseline runs there).")
    var database: String

    @Option(help: "Concurrency levels, comma-separated.")
    var concurrency: String = "1,16"

    @Option(help: "Creates per level and side (measured).")
    var count: Int = 3000

    @Option(help: "Gets per level and side (measured); default 2.5 × --count.")
    var gets: Int?

    @Option(help: "Warm-up creates and gets per level and side (not measured).")
    var warmUp: Int = 300

    @Option(help: "Rounds each measurement is cut into, alternating dmsd and libpq (noise falls on both).")
    var rounds: Int = 6

    func validate() throws {
        _ = try DaemonTargetOptions.levels(concurrency)
        guard count > 0, getCount > 0, warmUp >= 0, rounds > 0 else {
            throw ValidationError("--count, --gets and --rounds must be > 0, --warm-up >= 0")
        }
        guard !Self.carriesPassword(database) else {
            throw ValidationError("--database must not carry a password (argv is visible to every user): use PGPASSFILE")
        }
    }

    /// Whether a conninfo holds a password: a `password=` keyword, or a URI with `user:password@`.
    static func carriesPassword(_ conninfo: String) -> Bool {
        guard conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") else {
            return conninfo.range(of: #"(^|\s)password\s*="#, options: .regularExpression) != nil
        }
        let authority = conninfo.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first ?? ""
        let userInfo = authority.lastIndex(of: "@").map { authority[..<$0] } ?? ""
        return userInfo.contains(":") || conninfo.contains("password=")
    }

    private var levels: [Int] { (try? DaemonTargetOptions.levels(concurrency)) ?? [] }
    private var getCount: Int { gets ?? count * 5 / 2 }

    func run() async throws {
        guard let token = ProcessInfo.processInfo.environment["DMS_TOKEN"], !token.isEmpty else {
            throw StoreBenchError("set DMS_TOKEN to a token that may create connections (CreateConnection needs one)")
        }
        let dms = target.clientConfiguration(token: token)
        let workload = StoreWorkload()
        let loadBefore = loadAverage()

        let (rows, sizes) = try await StoreBaseline.withScratchTable(conninfo: database) { baseline in
            try await RPCClient.withConnection(dms) { client in
                try await measureLevels(client: client, baseline: baseline, workload: workload)
            }
        }
        let loadAfter = loadAverage()

        print("Store: CreateConnection / GetConnection through dmsd at \(target.server) vs libpq INSERT … RETURNING / SELECT by id")
        print("of the same rows on the same PostgreSQL (dmsd's statements, table bench_connections shaped like connections)")
        print(
            "rows: schema \(sizes.dmsSchemaBytes) B (dmsd) / \(sizes.rawSchemaBytes) B (libpq), "
                + "secrets \(sizes.dmsSecretsBytes) B / \(sizes.rawSecretsBytes) B as stored text; "
                + "\(count) creates and \(getCount) gets per level and side in \(rounds) alternating rounds, after \(max(warmUp, 1)) of each to warm up")
        print("cores \(System.coreCount); load average before \(loadBefore), after \(loadAfter) (noisy machine: compare ratios)")
        print("")
        print(
            pad("conc", 5) + pad("op", 8) + pad("DMS ops/s", 11) + pad("base ops/s", 12) + pad("ratio", 7)
                + pad("DMS p50", 9) + pad("base p50", 10) + pad("DMS p99", 9) + pad("base p99", 10) + pad("ops", 7))
        for row in rows {
            let d = row.dms
            let b = row.baseline
            print(
                pad("\(row.concurrency)", 5) + pad(row.operation.label, 8)
                    + pad(Figure.format(d.callsPerSecond, unit: "ops/s"), 11) + pad(Figure.format(b.callsPerSecond, unit: "ops/s"), 12)
                    + pad(String(format: "%.2f", d.callsPerSecond / b.callsPerSecond), 7)
                    + pad(Figure.format(d.percentileMilliseconds(50), unit: "ms"), 9) + pad(Figure.format(b.percentileMilliseconds(50), unit: "ms"), 10)
                    + pad(Figure.format(d.percentileMilliseconds(99), unit: "ms"), 9) + pad(Figure.format(b.percentileMilliseconds(99), unit: "ms"), 10)
                    + pad("\(d.calls)", 7))
        }
        print("(latencies in ms; ratio = DMS / baseline ops/s; target >= 0.5)")
        if rows.contains(where: { $0.operation == .getVersusRPCPlusSelect }) {
            print("(get*: the same gets against a Health call followed by the libpq SELECT, one at a time: the least any")
            print(" server answering a get with one RPC round trip and one SELECT can take; its ratio is DMS's own share)")
        }
        print("")
        for row in rows {
            print(
                Figure(
                    name: "store_\(row.operation.rawValue)_c\(row.concurrency)", value: row.dms.callsPerSecond, unit: "ops/s",
                    baseline: row.baseline.callsPerSecond
                ).benchLine)
        }
    }

    enum Operation: String {
        case create, get
        /// Gets through dmsd against a Health call followed by a libpq SELECT (the floor at c=1).
        case getVersusRPCPlusSelect = "get_vs_health_plus_select"

        /// The label in the table.
        var label: String { self == .getVersusRPCPlusSelect ? "get*" : rawValue }
    }

    struct Row {
        let concurrency: Int
        let operation: Operation
        let dms: RunResult
        let baseline: RunResult
    }

    /// Every level: a warm-up of each side, then the creates and then the gets, each in rounds
    /// that alternate the sides; the rows are counted at the end of the level (each side holds
    /// every row it was asked to create).
    private func measureLevels(client: RPCClient, baseline: StoreBaseline, workload: StoreWorkload) async throws -> ([Row], StoreBaseline.StoredSizes) {
        let calls = StoreCalls(client: client, workload: workload)
        var rows: [Row] = []
        var sizes: StoreBaseline.StoredSizes?
        var keyID = ""
        var version = 0
        var created = 0
        let warmUps = max(warmUp, 1)
        let (count, getCount, rounds) = (self.count, self.getCount, self.rounds)
        for level in levels {
            try await baseline.withPool(connections: level) { pool in
                progress("c=\(level): warm-up, \(warmUps) creates and gets on each side …")
                let warmNames = (0..<warmUps).map { workload.name(phase: "w", level: level, index: $0) }
                let warmDMS = try await StoreRunner.run(0..<warmUps, concurrency: level) { try await calls.create(warmNames[$0]) }.values
                _ = try await StoreRunner.run(0..<warmUps, concurrency: level) { try await calls.get(id: warmDMS[$0].id, name: warmNames[$0]) }
                if sizes == nil {
                    keyID = try await baseline.sealingKeyID(ofConnectionNamed: warmNames[0])
                    version = warmDMS[0].version
                }
                let warmRows = warmNames.map { rawRow(workload, name: $0, version: version, keyID: keyID) }
                _ = try await StoreRunner.run(0..<warmUps, concurrency: level) { try await StoreBaseline.insert(warmRows[$0], into: pool) }
                _ = try await StoreRunner.run(0..<warmUps, concurrency: level) { try await StoreBaseline.select(warmRows[$0], from: pool) }
                if sizes == nil {
                    let stored = try await baseline.storedSizes(dmsName: warmNames[0], rawName: warmNames[0])
                    guard stored.match else { throw StoreBenchError("the two sides do not store the same bytes: \(stored)") }
                    sizes = stored
                }

                progress("c=\(level): \(count) creates through dmsd and \(count) libpq INSERTs, in \(rounds) alternating rounds …")
                let names = (0..<count).map { workload.name(phase: "m", level: level, index: $0) }
                let rawRows = names.map { rawRow(workload, name: $0, version: version, keyID: keyID) }
                let (dmsCreates, rawCreates) = try await StoreRunner.alternate(
                    count: count, rounds: rounds, concurrency: level,
                    { try await calls.create(names[$0]) },
                    { try await StoreBaseline.insert(rawRows[$0], into: pool) })
                let ids = dmsCreates.values.map(\.id)
                guard Set(ids).count == count else { throw StoreBenchError("dmsd returned \(count - Set(ids).count) duplicate ids") }
                rows.append(Row(concurrency: level, operation: .create, dms: dmsCreates.result, baseline: rawCreates.result))

                progress("c=\(level): \(getCount) gets through dmsd and \(getCount) libpq SELECTs, in \(rounds) alternating rounds …")
                let (dmsGets, rawGets) = try await StoreRunner.alternate(
                    count: getCount, rounds: rounds, concurrency: level,
                    { try await calls.get(id: ids[$0 % count], name: names[$0 % count]) },
                    { try await StoreBaseline.select(rawRows[$0 % count], from: pool) })
                rows.append(Row(concurrency: level, operation: .get, dms: dmsGets.result, baseline: rawGets.result))

                if level == 1 {
                    // One call at a time is latency-bound: a get through any server costs at least one
                    // RPC round trip and one SELECT, one after the other. That floor, measured: a
                    // Health call (the RPC with no work behind it) then the same libpq SELECT.
                    progress("c=1: \(getCount) gets through dmsd and \(getCount) Health calls each followed by a libpq SELECT, in \(rounds) alternating rounds …")
                    let (dmsGets, floorGets) = try await StoreRunner.alternate(
                        count: getCount, rounds: rounds, concurrency: 1,
                        { try await calls.get(id: ids[$0 % count], name: names[$0 % count]) },
                        {
                            try await calls.health()
                            try await StoreBaseline.select(rawRows[$0 % count], from: pool)
                        })
                    rows.append(Row(concurrency: level, operation: .getVersusRPCPlusSelect, dms: dmsGets.result, baseline: floorGets.result))
                }
            }
            created += warmUps + count
            let inDMS = try await baseline.count("connections", namesLike: workload.namePattern)
            let inRaw = try await baseline.count("bench_connections", namesLike: workload.namePattern)
            guard inDMS == created, inRaw == created else {
                throw StoreBenchError("expected \(created) rows on each side after c=\(level), found \(inDMS) in connections and \(inRaw) in bench_connections")
            }
        }
        return (rows, sizes!)
    }

    /// The baseline's row for `name`: what dmsd stores for it, but for the random ciphertext.
    private func rawRow(_ workload: StoreWorkload, name: String, version: Int, keyID: String) -> StoreRow {
        StoreRow(
            id: UUID(), name: name, namespace: "default", type: workload.type, version: version,
            schema: workload.plainSchema, secrets: workload.sealedSecrets(keyID: keyID))
    }
}
