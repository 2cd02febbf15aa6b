import DMSCatalog
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The warm engine: one long-lived Spark driver (`dms_job.py serve`) that dmsd starts once and
/// hands runs to over a Unix socket, so that a run does not pay the JVM and SparkContext start
/// (7–12 s here). Restarted with the next run if it dies.
actor WarmEngine {
    private let settings: SparkSettings
    private let program: JobProgram
    private let logger: Logger
    private var process: ChildProcess?
    private var starting: Task<Void, any Error>?

    var socketPath: String { "\(settings.workDirectory)/engine.sock" }

    init(settings: SparkSettings, program: JobProgram, logger: Logger) {
        self.settings = settings
        self.program = program
        var logger = logger
        logger[metadataKey: "component"] = "warm-engine"
        self.logger = logger
    }

    /// Starts the engine unless it runs; returns once it accepts runs.
    func ensureRunning() async throws {
        if process != nil, starting == nil { return }
        if let starting { return try await starting.value }
        let task = Task { try await launch() }
        starting = task
        do {
            try await task.value
            starting = nil
        } catch {
            starting = nil
            process = nil
            throw error
        }
    }

    private func launch() async throws {
        unlink(socketPath)
        let arguments = SubmitLauncher.submitArguments(settings: settings, sparkConf: [:]) + [program.mainScript, "serve", "--socket", socketPath]
        let child = try ChildProcess(
            executable: settings.sparkSubmit, arguments: arguments, environment: SubmitLauncher.environment(settings: settings),
            directory: settings.workDirectory)
        process = child
        logger.info("starting the warm Spark engine", metadata: ["master": "\(settings.master)"])
        let ready = AsyncStream.makeStream(of: Bool.self)
        let logger = logger
        Task {
            var announced = false
            for await line in child.lines {
                if !announced, line.stream == .stdout, line.text.hasPrefix("DMS-ENGINE-READY") {
                    announced = true
                    ready.continuation.yield(true)
                    logger.info("warm Spark engine ready", metadata: ["announcement": "\(line.text.dropFirst("DMS-ENGINE-READY ".count))"])
                } else {
                    logger.debug("\(line.text)")
                }
            }
            let status = await child.status()
            logger.warning("the warm Spark engine exited", metadata: ["status": "\(status)"])
            ready.continuation.yield(false)
            await self.exited(child)
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(180))
            ready.continuation.yield(false)
        }
        defer { timeout.cancel() }
        for await isReady in ready.stream {
            guard isReady else {
                await child.stop(grace: .seconds(2))
                throw EngineError("the warm Spark engine did not start (see dmsd's log at level debug for its output)")
            }
            return
        }
    }

    private func exited(_ child: ChildProcess) {
        if process === child { process = nil }
    }

    /// Hands the spec at `specPath` to the engine.
    func start(specPath: String) async throws -> any EngineRun {
        try await ensureRunning()
        return try SocketRun(socketPath: socketPath, request: JSONValue.object(["spec": .string(specPath)]).serialized())
    }

    /// Stops the engine (its runs are cancelled with it).
    func stop() async {
        starting?.cancel()
        if let process {
            self.process = nil
            await process.stop(grace: .seconds(10))
        }
    }
}

/// One run in the warm engine: a connection to its socket that carries the request, then the
/// run's events, one JSON object per line.
final class SocketRun: EngineRun, Sendable {
    let output: AsyncStream<EngineOutput>
    private let descriptor: Int32

    init(socketPath: String, request: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw EngineError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw EngineError("the engine socket path is too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw EngineError("cannot reach the warm Spark engine: \(reason)")
        }
        self.descriptor = descriptor
        let (output, continuation) = AsyncStream.makeStream(of: EngineOutput.self)
        self.output = output
        try Self.send(request + "\n", to: descriptor)
        Thread.detachNewThread {
            ChildProcess.readLines(descriptor) { bytes in
                let line = String(decoding: bytes, as: UTF8.self)
                if let event = EngineEvent(line: line, prefix: "") {
                    continuation.yield(.event(event))
                } else if !line.isEmpty {
                    continuation.yield(.log(line))
                }
            }
            close(descriptor)
            continuation.finish()
        }
    }

    private static func send(_ text: String, to descriptor: Int32) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw EngineError("cannot send to the warm Spark engine: \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    func cancel() async {
        try? Self.send(#"{"cancel": true}"# + "\n", to: descriptor)
    }

    func kill() async {
        // Closing our side makes the engine cancel the run.
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    func endWithoutResult() async -> String {
        "the warm Spark engine closed the run's connection before the job reported a result (it may have stopped; see dmsd's log)"
    }
}
