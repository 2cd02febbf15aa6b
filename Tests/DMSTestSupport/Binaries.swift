import Foundation

/// Where the built executables (dmsd, dmsctl, dms-bench) are.
public enum Binaries {
    /// `$DMS_BIN_DIR` (set by scripts/test), else `<package>/.build/debug`.
    public static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["DMS_BIN_DIR"], !dir.isEmpty { return dir }
        return "\(packageRoot)/.build/debug"
    }

    /// The path of executable `name`.
    public static func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// The package's root directory.
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}

/// A directory under the system temp directory, removed when the scope ends.
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("dms-test-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
