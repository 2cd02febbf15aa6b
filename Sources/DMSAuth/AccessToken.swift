import Crypto
import Foundation

/// Bearer tokens: `dms_` followed by 43 URL-safe base64 characters (32 random bytes).
///
/// The prefix lets secret scanners recognise a leaked token. Servers keep only the SHA-256 of a
/// token and compare digests in constant time.
public enum AccessToken {
    /// The prefix every token starts with.
    public static let prefix = "dms_"

    /// A new random token.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    /// True when `text` has the shape of a token (it may still be unknown or revoked).
    public static func isWellFormed(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isWellFormed($0) }
    }

    /// True when `bytes` (UTF-8) have the shape of a token: `dms_` and 43 URL-safe base64 characters.
    static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 4 + 43, bytes[0] == UInt8(ascii: "d"), bytes[1] == UInt8(ascii: "m"), bytes[2] == UInt8(ascii: "s"),
            bytes[3] == UInt8(ascii: "_")
        else { return false }
        for byte in bytes[4...] {
            guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            else { return false }
        }
        return true
    }

    /// The SHA-256 digest of `token`, as lower-case hex: what servers store.
    public static func digest(_ token: String) -> String {
        TokenHash(token: token).hex
    }

    /// The first characters of `token`, safe to show so a person can tell tokens apart.
    public static func displayPrefix(_ token: String) -> String {
        String(token.prefix(prefix.count + 6))
    }

    /// Compares two strings' UTF-8 bytes in time that depends only on their lengths (every byte is
    /// looked at, whatever differs first), so a caller cannot learn a secret one byte at a time
    /// from how long a comparison took.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        var (a, b) = (a, b)
        return a.withUTF8 { a in
            b.withUTF8 { b in
                guard a.count == b.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }
    }

    /// Reads the token out of an `authorization` metadata value, `"Bearer <token>"`.
    public static func fromAuthorization(_ value: String?) -> String? {
        guard var value else { return nil }
        return value.withUTF8 { bytes in bearerToken(in: bytes).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// What an `authorization` metadata value holds.
    public enum Credential: Equatable, Sendable {
        /// No value, or not `Bearer <something>`.
        case missing
        /// A bearer token that does not have the shape of a token.
        case malformed
        /// A token of the right shape, as its hash (the token itself is not kept).
        case token(TokenHash)
    }

    /// Reads and hashes the bearer token of an `authorization` metadata value, straight from its
    /// bytes: this runs on every call, and makes no string.
    public static func credential(fromAuthorization value: String?) -> Credential {
        guard var value else { return .missing }
        return value.withUTF8 { bytes in
            guard let token = bearerToken(in: bytes) else { return .missing }
            guard isWellFormed(token) else { return .malformed }
            return .token(TokenHash(bytes: UnsafeRawBufferPointer(token)))
        }
    }

    /// The token of `"Bearer <token>"` (scheme in any case, blanks around the token dropped).
    private static func bearerToken(in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let scheme = "bearer".utf8
        guard bytes.count > scheme.count, bytes[scheme.count] == UInt8(ascii: " "),
            zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var start = scheme.count + 1
        var end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return start < end ? UnsafeBufferPointer(rebasing: bytes[start..<end]) : nil
    }
}

/// The SHA-256 of a token as four words: what a server stores (as ``hex``), and a cheap key for
/// looking a presented token up in memory (no hex text made, 32 bytes hashed).
public struct TokenHash: Hashable, Sendable {
    private let w0, w1, w2, w3: UInt64

    /// The hash of `token`.
    public init(token: String) {
        var token = token
        self = token.withUTF8 { TokenHash(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of a token's UTF-8 `bytes`.
    init(bytes: UnsafeRawBufferPointer) {
        let digest = SHA256.hash(data: bytes)
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            digest.withUnsafeBytes { target.copyMemory(from: $0) }
        }
        (w0, w1, w2, w3) = words
    }

    /// Lower-case hex, 64 digits.
    public var hex: String {
        var words = (w0, w1, w2, w3)
        return withUnsafeBytes(of: &words) { bytes in
            String(unsafeUninitializedCapacity: 64) { buffer in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = Self.hexDigits[Int(byte >> 4)]
                    buffer[2 * index + 1] = Self.hexDigits[Int(byte & 0x0F)]
                }
                return 64
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
