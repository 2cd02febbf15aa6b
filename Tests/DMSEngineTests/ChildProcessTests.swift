@testable import DMSEngine
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ChildProcessTests {
    @Test func linesOfBothStreamsArriveAndTheExitStatusIsKept() async throws {
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "echo one; echo two >&2; printf 'no newline'; exit 3"], environment: [:])
        var lines = [ChildProcess.Line]()
        for await line in child.lines { lines.append(line) }
        #expect(lines.filter { $0.stream == .stdout }.map(\.text) == ["one", "no newline"])
        #expect(lines.filter { $0.stream == .stderr }.map(\.text) == ["two"])
        #expect(await child.status() == 3)
    }

    @Test func runsInTheGivenDirectoryWithTheGivenEnvironment() async throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "pwd; echo $ONLY"], environment: ["ONLY": "this"], directory: "/tmp")
        var lines = [String]()
        for await line in child.lines { lines.append(line.text) }
        #expect(lines == ["/tmp", "this"])
    }

    @Test func stoppingEndsTheWholeProcessGroupEvenWhatIgnoresSIGTERM() async throws {
        // A grandchild that ignores SIGTERM: only the final SIGKILL of the group ends it.
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "trap '' TERM; sleep 300 & echo $!; wait"], environment: [:])
        var iterator = child.lines.makeAsyncIterator()
        let grandchild = try #require(await iterator.next().flatMap { pid_t($0.text) })
        #expect(kill(grandchild, 0) == 0)
        await child.stop(grace: .milliseconds(300))
        #expect(await child.status() == 128 + SIGKILL)
        var gone = false
        for _ in 0..<50 {
            // Gone, or a zombie waiting for a reaper that is not ours to be.
            let stat = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8)) ?? ""
            if kill(grandchild, 0) != 0 || stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") == true {
                gone = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(gone, "the grandchild was stopped with its group")
    }

    @Test(.timeLimit(.minutes(1))) func stdinIsALifelineThatEndsInEndOfFileWhenItsWriteEndCloses() async throws {
        // Through the `cd` wrapper, as dmsd starts spark-submit: the shell must hand stdin over.
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "test -p /dev/stdin && echo pipe; cat; echo end of file"], environment: [:],
            directory: "/tmp")
        var lines = child.lines.makeAsyncIterator()
        #expect(await lines.next()?.text == "pipe")
        // `cat` blocks on the lifeline until its write end closes, as it does when dmsd dies.
        child.closeLifeline()
        try #require(await lines.next()?.text == "end of file")
        #expect(await child.status() == 0)
    }

    @Test(.timeLimit(.minutes(1))) func noOtherChildInheritsALifeline() async throws {
        let first = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo reading; cat; echo end of file"], environment: [:])
        var firstLines = first.lines.makeAsyncIterator()
        #expect(await firstLines.next()?.text == "reading")
        let firstLifeline = try #require(Self.descriptorTarget(pid: first.pid, descriptor: "0"))
        // Another ChildProcess, and a bare posix_spawn as other code of dmsd's does (e.g. pg_ctl's).
        // posix_spawn returns once the program runs: the descriptors seen are the program's own.
        let second = try ChildProcess(executable: "/bin/sleep", arguments: ["300"], environment: [:])
        var bare: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("300"), nil]
        defer { argv.forEach { free($0) } }
        let noEnvironment: [UnsafeMutablePointer<CChar>?] = [nil]
        #expect(posix_spawn(&bare, "/bin/sleep", nil, nil, argv, noEnvironment) == 0)
        defer {
            kill(bare, SIGKILL)
            waitpid(bare, nil, 0)
        }

        let secondDescriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(second.pid)/fd")
        // A ChildProcess holds its stdin, stdout and stderr only, nothing else of ours.
        #expect(secondDescriptors.sorted() == ["0", "1", "2"], "\(secondDescriptors.map { Self.descriptorTarget(pid: second.pid, descriptor: $0) })")
        let bareTargets = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(bare)/fd").map { Self.descriptorTarget(pid: bare, descriptor: $0) }
        #expect(!bareTargets.contains(firstLifeline), "\(bareTargets)")
        // Neither holds a write end: the first child's lifeline closes with ours.
        first.closeLifeline()
        try #require(await firstLines.next()?.text == "end of file")
        #expect(await first.status() == 0)
        #expect(kill(second.pid, 0) == 0 && kill(bare, 0) == 0)
        await second.stop(grace: .seconds(1))
    }

    @Test func aMissingProgramIsAClearError() {
        #expect(throws: EngineError.self) { try ChildProcess(executable: "/nonexistent/spark-submit", arguments: [], environment: [:]) }
    }

    /// What `/proc/<pid>/fd/<descriptor>` refers to (`pipe:[inode]` for a pipe).
    static func descriptorTarget(pid: pid_t, descriptor: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)")
    }
}
