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

    @Test func aMissingProgramIsAClearError() {
        #expect(throws: EngineError.self) { try ChildProcess(executable: "/nonexistent/spark-submit", arguments: [], environment: [:]) }
    }
}
