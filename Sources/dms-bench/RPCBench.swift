import ArgumentParser
import DMSAPI
import DMSClient
import DMSProto
import DMSWire
import Foundation
import NIOCore

/// `dms-bench rpc`: unary Health calls against a running dmsd, next to a bare NIO TLS echo of
/// the same bytes (the baseline), at several concurrency levels.
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Measure unary Health calls against dmsd and a bare NIO TLS echo baseline.",
        discussion: """
            The bearer token, if any, comes from the DMS_TOKEN environment variable (never argv). \
            For each concurrency level C, C calls are kept in flight over ONE connection (and, with \
            --connection-per-call, also over C connections with one call each); the baseline keeps \
            C request-sized messages in flight on one TLS connection to an echo server in this \
            process that answers each with one reply-sized message.
            """)

    @OptionGroup var target: DaemonTargetOptions

    @Option(help: "Concurrency levels, comma-separated.")
    var concurrency: String = "1,8,64"

    @Option(help: "Warm-up seconds per run (not measured).")
    var warmUp: Double = 2

    @Option(help: "Measured seconds per run.")
    var duration: Double = 5

    @Option(help: "Rounds per run: DMS and the baseline take turns, each measured for duration/rounds a round, so a machine that slows down mid-run slows both alike.")
    var rounds: Int = 5

    @Flag(help: "Send no token even if DMS_TOKEN is set (Health is public): leaves out token checking.")
    var anonymous = false

    @Flag(help: "Also run each level with one connection per concurrent call.")
    var connectionPerCall = false

    @Option(help: "The call_id used to size the baseline's request and reply (its varint length counts).")
    var sizingCallID: UInt64 = 100_000

    func validate() throws {
        _ = try DaemonTargetOptions.levels(concurrency)
        guard warmUp >= 0, duration > 0 else { throw ValidationError("--warm-up must be >= 0 and --duration > 0") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    private var levels: [Int] { (try? DaemonTargetOptions.levels(concurrency)) ?? [] }

    func run() async throws {
        let token = anonymous ? nil : ProcessInfo.processInfo.environment["DMS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let dms = target.clientConfiguration(token: token)
        let loadBefore = loadAverage()

        // The exact sizes of the traffic: the REQUEST the real client sends, and dmsd's END reply.
        let tls = try BenchTLS()
        var request = try await FrameProbe.captureHealthRequest(tls: tls, token: token)
        request.callID = sizingCallID
        let response = try await RPCClient.withConnection(dms) { client in
            try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
        }
        let reply = Dms_V1_Frame.end(callID: sizingCallID, payload: try response.serializedData())
        let requestSize = try FrameProbe.wireSize(request)
        let replySize = try FrameProbe.wireSize(reply)
        progress("Health REQUEST frame \(requestSize) B, END reply \(replySize) B (prefix included, call_id \(sizingCallID))")

        let baseline = try await EchoBaseline(tls: tls, requestSize: requestSize, replySize: replySize)
        let warmUp = Duration.milliseconds(Int64(self.warmUp * 1000))
        let duration = Duration.milliseconds(Int64(self.duration * 1000))

        var rows: [Row] = []
        do {
            for level in levels {
                var modes: [Mode] = [.oneConnection]
                if connectionPerCall && level > 1 { modes.append(.connectionPerCall) }
                for mode in modes {
                    let connections = mode == .oneConnection ? 1 : level
                    let perConnection = mode == .oneConnection ? level : 1
                    var dmsRounds: [RunResult] = []
                    var baselineRounds: [RunResult] = []
                    let slice = duration / rounds
                    for round in 1...rounds {
                        // The first round warms up fully; later ones only let their connections settle.
                        let settle = round == 1 ? warmUp : min(warmUp, .milliseconds(200))
                        progress("c=\(level) \(mode.label), round \(round) of \(rounds): DMS …")
                        dmsRounds.append(
                            try await runDMS(dms, connections: connections, callsPerConnection: perConnection, warmUp: settle, duration: slice))
                        progress("c=\(level) \(mode.label), round \(round) of \(rounds): baseline …")
                        baselineRounds.append(
                            try await baseline.run(
                                connections: connections, outstanding: perConnection, window: Window(warmUp: settle, duration: slice)))
                    }
                    let measured = RunResult(merging: dmsRounds)
                    let base = RunResult(merging: baselineRounds)
                    rows.append(Row(concurrency: level, mode: mode, dms: measured, baseline: base))
                }
            }
        } catch {
            await baseline.shutdown()
            throw error
        }
        await baseline.shutdown()
        let loadAfter = loadAverage()

        print("RPC unary Health: dmsd at \(target.server) vs bare NIO TLS 1.3 echo (same process as the client)")
        print("calls \(token == nil ? "without a token (anonymous)" : "with the bearer token from DMS_TOKEN")")
        print("request \(requestSize) B, reply \(replySize) B on the wire; warm-up \(self.warmUp) s, measured \(self.duration) s per run in \(rounds) alternating rounds")
        print("cores \(System.coreCount); load average before \(loadBefore), after \(loadAfter) (noisy machine: compare ratios)")
        print("")
        print(
            pad("conc", 5) + pad("conns", 6) + pad("DMS calls/s", 13) + pad("base calls/s", 14) + pad("ratio", 7)
                + pad("DMS p50", 9) + pad("base p50", 10) + pad("DMS p99", 9) + pad("base p99", 10) + pad("calls", 10))
        for row in rows {
            let d = row.dms
            let b = row.baseline
            print(
                pad("\(row.concurrency)", 5) + pad("\(row.mode == .oneConnection ? 1 : row.concurrency)", 6)
                    + pad(Figure.format(d.callsPerSecond, unit: "calls/s"), 13) + pad(Figure.format(b.callsPerSecond, unit: "calls/s"), 14)
                    + pad(String(format: "%.2f", d.callsPerSecond / b.callsPerSecond), 7)
                    + pad(Figure.format(d.percentileMilliseconds(50), unit: "ms"), 9) + pad(Figure.format(b.percentileMilliseconds(50), unit: "ms"), 10)
                    + pad(Figure.format(d.percentileMilliseconds(99), unit: "ms"), 9) + pad(Figure.format(b.percentileMilliseconds(99), unit: "ms"), 10)
                    + pad("\(d.calls)", 10))
        }
        print("(latencies in ms; ratio = DMS / baseline calls/s; target >= 0.5)")
        print("")
        for row in rows {
            let prefix = "rpc_unary_c\(row.concurrency)" + (row.mode == .oneConnection ? "" : "_conn_per_call")
            let figures = [
                Figure(name: "\(prefix)_calls_per_s", value: row.dms.callsPerSecond, unit: "calls/s", baseline: row.baseline.callsPerSecond),
                Figure(name: "\(prefix)_p50_ms", value: row.dms.percentileMilliseconds(50), unit: "ms", baseline: row.baseline.percentileMilliseconds(50)),
                Figure(name: "\(prefix)_p99_ms", value: row.dms.percentileMilliseconds(99), unit: "ms", baseline: row.baseline.percentileMilliseconds(99)),
            ]
            for figure in figures { print(figure.benchLine) }
        }
    }

    enum Mode: Equatable {
        case oneConnection, connectionPerCall
        var label: String { self == .oneConnection ? "one connection" : "one connection per call" }
    }

    struct Row {
        let concurrency: Int
        let mode: Mode
        let dms: RunResult
        let baseline: RunResult
    }

    /// Keeps `callsPerConnection` Health calls in flight on each of `connections` connections.
    private func runDMS(
        _ configuration: RPCClient.Configuration, connections: Int, callsPerConnection: Int, warmUp: Duration, duration: Duration
    ) async throws -> RunResult {
        let window = Window(warmUp: warmUp, duration: duration)
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await RPCClient.withConnection(configuration) { client in
                        try await withThrowingTaskGroup(of: [UInt64].self) { callers in
                            for _ in 0..<callsPerConnection {
                                callers.addTask { try await Self.caller(client, window: window) }
                            }
                            return try await callers.reduce(into: []) { $0 += $1 }
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return RunResult(latencies: latencies, seconds: window.seconds)
    }

    /// One caller: Health after Health until the window ends; latencies of calls started in it.
    private static func caller(_ client: RPCClient, window: Window) async throws -> [UInt64] {
        var samples: [UInt64] = []
        samples.reserveCapacity(1 << 16)
        let request = Dms_V1_HealthRequest()
        while true {
            let start = nowNanoseconds()
            if start >= window.end { break }
            _ = try await client.unary(API.HealthService.health, request)
            if start >= window.start { samples.append(nowNanoseconds() - start) }
        }
        return samples
    }
}
