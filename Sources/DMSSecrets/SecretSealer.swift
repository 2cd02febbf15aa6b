import Crypto
import Foundation

/// Seals and opens secret field values with AES-256-GCM.
///
/// A sealed value reads `v1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`. The caller's `context`
/// (e.g. `connections/<row id>/password`) is bound in as associated data, so a ciphertext copied
/// to another row or field does not open. The first key seals; every key opens, so values sealed
/// under a previous key stay readable until ``SecretSealer`` is used to re-seal them (key rotation).
public struct SecretSealer: Sendable {
    /// The key new values are sealed under.
    public let current: MasterKey
    private let keys: [String: MasterKey]

    /// A sealer that seals under `keys[0]` and opens with any of `keys`.
    public init(keys: [MasterKey]) throws {
        guard let first = keys.first else { throw SecretError("no master key") }
        current = first
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Seals `plaintext` for `context`.
    public func seal(_ plaintext: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: current.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw SecretError("AES-GCM produced no combined form") }
        return "v1:\(current.id):\(combined.base64EncodedString())"
    }

    /// Opens a value sealed for `context`. Fails when the key is unknown, the value was altered,
    /// or it was sealed for another context.
    public func open(_ sealed: String, context: String) throws -> String {
        let parts = sealed.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let combined = Data(base64Encoded: String(parts[2])) else {
            throw SecretError("a stored secret of \(context) is not in a known sealed form")
        }
        guard let key = keys[String(parts[1])] else {
            throw SecretError("a stored secret of \(context) is sealed under key \(parts[1]), which is not configured")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plaintext = try AES.GCM.open(box, using: key.key, authenticating: Data(context.utf8))
            return String(decoding: plaintext, as: UTF8.self)
        } catch {
            throw SecretError("a stored secret of \(context) does not open: it was altered or belongs elsewhere")
        }
    }

    /// True when `sealed` is already sealed under the current key.
    public func isCurrent(_ sealed: String) -> Bool {
        sealed.hasPrefix("v1:\(current.id):")
    }
}
