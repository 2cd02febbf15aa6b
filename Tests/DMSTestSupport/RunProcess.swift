import Foundation

/// The outcome of a finished process.
public struct ProcessResult: Sendable {
    /// Exit status.
    public let status: Int32
    /// Everything written to stdout.
    public let stdout: String
    /// Everything written to stderr.
    public let stderr: String
}

/// Runs `executable` with `arguments` to completion, feeding `stdin`, and captures its output.
///
/// The blocking reads and the wait happen on Dispatch threads, never on Swift concurrency's few
/// cooperative threads (two on a 2-core machine), so other tests keep running meanwhile.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil,
    currentDirectory: String? = nil
) async throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    async let stdoutData = readToEnd(out.fileHandleForReading)
    async let stderrData = readToEnd(err.fileHandleForReading)
    let (o, e) = await (stdoutData, stderrData)
    await waitForExit(process)
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Reads `handle` to its end on a Dispatch thread.
func readToEnd(_ handle: FileHandle) async -> Data {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
    }
}

/// Waits for `process` to exit on a Dispatch thread.
public func waitForExit(_ process: Process) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            process.waitUntilExit()
            continuation.resume()
        }
    }
}
