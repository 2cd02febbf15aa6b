import Foundation

/// Where the master keys come from: an environment variable, a key file, or (the embedded
/// default) a key file dmsd generates on first start.
///
/// Both forms hold one or more base64 keys — one per line in a file, comma-separated in the
/// variable. The first key seals new values; the others only open old ones (during a rotation).
public enum MasterKeySource {
    /// Reads the keys of `environmentValue` if set, else of `file`; when neither exists and
    /// `generateIfMissing`, writes a new key to `file` (mode 0600) and returns it.
    public static func load(environmentValue: String?, file: String, generateIfMissing: Bool) throws -> (keys: [MasterKey], generated: Bool) {
        if let environmentValue, !environmentValue.isEmpty {
            let keys = try environmentValue.split(separator: ",").map { try MasterKey(base64: String($0)) }
            guard !keys.isEmpty else { throw SecretError("DMS_MASTER_KEY holds no key") }
            return (keys, false)
        }
        if FileManager.default.fileExists(atPath: file) {
            return (try read(file), false)
        }
        guard generateIfMissing else {
            throw SecretError("no master key: \(file) does not exist and DMS_MASTER_KEY is not set")
        }
        let key = MasterKey.generate()
        try write([key], to: file)
        return ([key], true)
    }

    /// The keys of a key file. Refuses a file that others may read.
    public static func read(_ file: String) throws -> [MasterKey] {
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw SecretError("the master key file \(file) is readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let keys = try text.split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { try MasterKey(base64: String($0)) }
        guard !keys.isEmpty else { throw SecretError("the master key file \(file) holds no key") }
        return keys
    }

    /// Writes `keys` to `file`, one per line, mode 0600, replacing it atomically.
    public static func write(_ keys: [MasterKey], to file: String) throws {
        let temporary = "\(file).tmp-\(getpid())"
        let text = keys.map(\.base64).joined(separator: "\n") + "\n"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SecretError("cannot write \(temporary)")
        }
        guard rename(temporary, file) == 0 else {
            unlink(temporary)
            throw SecretError("cannot replace \(file): errno \(errno)")
        }
    }
}
