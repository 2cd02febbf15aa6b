import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files that hold secrets in clear for a child program (run and probe specs): created anew
/// (`O_EXCL`, so nothing already there is reused or followed), readable by dmsd's user only.
enum SecretFile {
    /// Writes `text` to a new file at `path` with mode 0600; `what` names it in errors. The
    /// caller removes the file.
    static func create(_ text: String, at path: String, what: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw EngineError("cannot create \(what): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw EngineError("cannot write \(what): \(String(cString: strerror(errno)))") }
            written += count
        }
    }
}
