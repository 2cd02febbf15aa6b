import Crypto
import Foundation

/// A 256-bit key that seals secret fields, known by a short id derived from it.
public struct MasterKey: Sendable {
    /// The key material.
    let key: SymmetricKey
    /// The first 8 hex digits of SHA-256 of the key: stored beside every ciphertext so that the
    /// right key is picked after a rotation. Reveals nothing usable about the key.
    public let id: String

    /// A key from its 32 raw bytes.
    public init(bytes: Data) throws {
        guard bytes.count == 32 else { throw SecretError("a master key is 32 bytes (256 bits), got \(bytes.count)") }
        key = SymmetricKey(data: bytes)
        id = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// A key from its base64 text (standard or URL-safe alphabet, padding optional).
    public init(base64 text: String) throws {
        var normalized = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while normalized.count % 4 != 0 { normalized += "=" }
        guard let bytes = Data(base64Encoded: normalized) else {
            throw SecretError("a master key is written as base64 of 32 bytes")
        }
        try self.init(bytes: bytes)
    }

    /// A new random key.
    public static func generate() -> MasterKey {
        let key = SymmetricKey(size: .bits256)
        return try! MasterKey(bytes: key.withUnsafeBytes { Data($0) })  // 32 bytes by construction
    }

    /// The key as base64 text, for its file.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
}

/// Why a secret could not be sealed or opened, or a key not loaded. Never contains a secret.
public struct SecretError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
