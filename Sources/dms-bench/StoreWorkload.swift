import Foundation

/// The rows `dms-bench store` writes: distinct connection names, and the values both sides store —
/// the same configuration JSON, and on the libpq side a secrets object of the same size as the one
/// dmsd seals (`{"password":"v1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>"}`).
struct StoreWorkload: Sendable {
    /// Starts every name of this run, so that names never clash with an earlier run's.
    let prefix: String
    /// The connector type and the configuration sent to dmsd (the password included).
    let type = "postgres"
    let schema: String
    /// The configuration without its secret field, as dmsd stores it in `schema`.
    let plainSchema: String
    let password: String

    init() {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let tag = String((0..<6).map { _ in letters.randomElement(using: &generator)! })
        prefix = "bench-\(tag)"
        password = "s3cret-" + String((0..<17).map { _ in letters.randomElement(using: &generator)! })
        plainSchema = #"{"host":"db.example","port":5432,"database":"sales","user":"etl"}"#
        schema = #"{"host":"db.example","port":5432,"database":"sales","user":"etl","password":"\#(password)"}"#
    }

    /// A name for operation `index` of `phase` ("w" warm-up, "m" measured) at concurrency `level`:
    /// a DNS label, as connection names must be.
    func name(phase: String, level: Int, index: Int) -> String {
        "\(prefix)-\(phase)\(level)-\(index)"
    }

    /// The `LIKE` pattern matching every name of this run.
    var namePattern: String { "\(prefix)-%" }

    /// A sealed-looking secrets object as dmsd would store for `password`: AES-256-GCM adds a
    /// 12-byte nonce and a 16-byte tag; random bytes stand in for them and the ciphertext.
    func sealedSecrets(keyID: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(12 + password.utf8.count + 16)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return #"{"password":"v1:\#(keyID):\#(Data(bytes).base64EncodedString())"}"#
    }
}

/// One row as the libpq baseline inserts it.
struct StoreRow: Sendable {
    let id: UUID
    /// `id` as the text dmsd's clients send (lowercase).
    var idText: String { id.uuidString.lowercased() }
    let name: String
    let namespace: String
    let type: String
    let version: Int
    let schema: String
    let secrets: String
}

/// The benchmark found something wrong (a missing id, a wrong name, a count that does not add up).
struct StoreBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
