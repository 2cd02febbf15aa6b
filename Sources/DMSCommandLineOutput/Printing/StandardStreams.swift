import Foundation

/// Unbuffered writes to stdout (data) and stderr (diagnostics), so that streamed lines reach a
/// pipe at once and the two streams never interleave mid-line.
public enum StandardStreams {
    /// Writes `text` to stdout.
    public static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `text` to stderr.
    public static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
