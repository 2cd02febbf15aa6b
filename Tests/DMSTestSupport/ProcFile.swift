import Foundation

/// Whole files of /proc. Foundation's `String(contentsOfFile:)` and `Data(contentsOf:)` read a
/// /proc file (whose size reads as 0) in one `read`, which gives one page: 4,080 of 37,750 bytes of
/// /proc/net/unix with 600 sockets open (measured), so a socket or an argument past the first page
/// went unseen. `readToEnd` reads until the end.
public enum ProcFile {
    /// The bytes of `path`, or nil when it cannot be opened (the process is gone).
    public static func data(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.readToEnd() ?? Data()
    }

    /// The text of `path`, or nil when it cannot be opened.
    public static func text(_ path: String) -> String? {
        data(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
