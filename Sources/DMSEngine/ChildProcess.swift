import CDMSSystem
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A supervised child program: spawned with `posix_spawn` in a process group of its own (so that
/// stopping it stops everything it started, e.g. spark-submit's JVM and its Python workers), its
/// stdout and stderr read line by line, its exit awaited without blocking the cooperative pool.
///
/// The child's stdin is its **lifeline**: a pipe on which nothing is ever written, whose write end
/// only this process holds (close-on-exec, and a child gets no descriptor but 0, 1 and 2, so no
/// other child inherits it). It is closed when the child has been reaped, and by the kernel when
/// this process dies, even by SIGKILL: a child that watches its stdin (the job program does when
/// `DMS_LIFELINE=stdin`, PySpark/README.md "Lifeline") then reads end-of-file and ends itself, so
/// nothing dmsd started outlives it unseen.
public final class ChildProcess: Sendable {
    /// One line of the child's output.
    public struct Line: Sendable, Equatable {
        public enum Stream: Sendable { case stdout, stderr }
        public var stream: Stream
        public var text: String
    }

    /// The child's process id (also its process group id).
    public let pid: pid_t
    /// Its output, line by line, stdout and stderr interleaved as read; finishes when both close.
    public let lines: AsyncStream<Line>
    private let exit: Task<Int32, Never>
    private let lifeline: Lifeline

    /// Starts `executable` with `arguments` (never a secret: argv is visible to every user of the
    /// machine), `environment` and working directory `directory`; stdin is the lifeline.
    public init(executable: String, arguments: [String], environment: [String: String], directory: String? = nil) throws {
        // Close-on-exec from the start (pipe2): a child spawned meanwhile by another thread must not
        // inherit these ends, above all not the lifeline's write end, which would keep it open.
        let pipes = try Self.makePipes(3)
        let (outPipe, errPipe, lifelinePipe) = (pipes[0], pipes[1], pipes[2])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0 clears close-on-exec for the child's copy only; the shell wrapper below
        // `exec`s the program, which keeps it.
        posix_spawn_file_actions_adddup2(&actions, lifelinePipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)
        // Nothing else of dmsd's (sockets, other children's pipes), close-on-exec or not.
        dms_spawn_file_actions_addclosefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        // posix_spawn cannot change the directory portably: a shell does, then becomes the program.
        let program = directory == nil ? executable : "/bin/sh"
        let fullArguments = directory.map { ["-c", #"cd "$0" && exec "$@""#, $0, executable] + arguments } ?? arguments
        let argv = ([program] + fullArguments).map { strdup($0) }
        let environ = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            environ.forEach { free($0) }
        }
        var spawnedPID: pid_t = 0
        let spawned = posix_spawn(&spawnedPID, program, &actions, &attributes, argv + [nil], environ + [nil])
        let pid = spawnedPID
        close(outPipe.write)
        close(errPipe.write)
        close(lifelinePipe.read)
        let lifeline = Lifeline(lifelinePipe.write)
        guard spawned == 0 else {
            close(outPipe.read)
            close(errPipe.read)
            lifeline.close()
            throw EngineError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        self.lifeline = lifeline
        let (lines, continuation) = AsyncStream.makeStream(of: Line.self)
        self.lines = lines
        let readers = ReaderCount(continuation)
        for (descriptor, stream) in [(outPipe.read, Line.Stream.stdout), (errPipe.read, .stderr)] {
            Thread.detachNewThread {
                Self.readLines(descriptor, stream: stream, into: continuation)
                close(descriptor)
                readers.finishOne()
            }
        }
        exit = Task.detached {
            await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
                Thread.detachNewThread {
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
                    // What the child started and left behind sees end-of-file now.
                    lifeline.close()
                    let exited = status & 0x7F == 0
                    done.resume(returning: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
                }
            }
        }
    }

    /// The exit status (128 + signal number when a signal ended it).
    public func status() async -> Int32 { await exit.value }

    /// Closes the write end of the child's lifeline now, as this process's death would.
    func closeLifeline() {
        lifeline.close()
    }

    /// Sends `signal` to the child's whole process group.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Stops the process group: SIGTERM, SIGKILL if the child has not exited after `grace`, and a
    /// final SIGKILL for anything of the group that outlived it.
    public func stop(grace: Duration) async {
        signalGroup(SIGTERM)
        let killer = Task {
            try await Task.sleep(for: grace)
            signalGroup(SIGKILL)
        }
        _ = await status()
        killer.cancel()
        signalGroup(SIGKILL)
    }

    /// `count` pipes whose ends are all close-on-exec; none on failure.
    private static func makePipes(_ count: Int) throws -> [(read: Int32, write: Int32)] {
        var pipes = [(read: Int32, write: Int32)]()
        for _ in 0..<count {
            var ends: [Int32] = [0, 0]
            guard dms_pipe_cloexec(&ends) == 0 else {
                let reason = String(cString: strerror(errno))
                for made in pipes { close(made.read); close(made.write) }
                throw EngineError("cannot create pipes: \(reason)")
            }
            pipes.append((ends[0], ends[1]))
        }
        return pipes
    }

    private static func readLines(_ descriptor: Int32, stream: Line.Stream, into continuation: AsyncStream<Line>.Continuation) {
        readLines(descriptor) { continuation.yield(Line(stream: stream, text: String(decoding: $0, as: UTF8.self))) }
    }

    /// Reads `descriptor` until end of file, handing over each line without its newline (and a
    /// last line without one).
    static func readLines(_ descriptor: Int32, _ deliver: (ArraySlice<UInt8>) -> Void) {
        var pending = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                deliver(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { deliver(pending[...]) }
    }
}

/// The write end of a child's lifeline, closed once.
private final class Lifeline: Sendable {
    private let descriptor: Mutex<Int32>

    init(_ descriptor: Int32) { self.descriptor = Mutex(descriptor) }

    func close() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }
}

/// Finishes the line stream once both readers are done.
private final class ReaderCount: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining = 2
    private let continuation: AsyncStream<ChildProcess.Line>.Continuation

    init(_ continuation: AsyncStream<ChildProcess.Line>.Continuation) { self.continuation = continuation }

    func finishOne() {
        lock.lock()
        remaining -= 1
        let done = remaining == 0
        lock.unlock()
        if done { continuation.finish() }
    }
}

/// An engine failure, said for people.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
