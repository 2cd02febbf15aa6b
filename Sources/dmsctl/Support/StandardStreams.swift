import Foundation

/// Unbuffered writes to stdout (data) and stderr (diagnostics), so that streamed lines reach a
/// pipe at once and the two streams never interleave mid-line.
enum StandardStreams {
    /// Writes `text` to stdout.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `text` to stderr.
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
