import DMSSecrets
import Foundation
import Testing

@Suite("SecretSealer")
struct SecretSealerTests {
    let key = MasterKey.generate()

    @Test("a sealed value opens in its context and does not contain the plaintext")
    func roundTrip() throws {
        let sealer = try SecretSealer(keys: [key])
        let sealed = try sealer.seal("canary-pässword", context: "connections/1/password")
        #expect(!sealed.contains("canary"))
        #expect(sealed.hasPrefix("v1:\(key.id):"))
        #expect(try sealer.open(sealed, context: "connections/1/password") == "canary-pässword")
    }

    @Test("sealing twice gives different ciphertexts (fresh nonces)")
    func freshNonces() throws {
        let sealer = try SecretSealer(keys: [key])
        #expect(try sealer.seal("x", context: "c") != sealer.seal("x", context: "c"))
    }

    @Test("a ciphertext moved to another row or field does not open", arguments: ["connections/2/password", "connections/1/token", "sources/1/password"])
    func boundToContext(_ other: String) throws {
        let sealer = try SecretSealer(keys: [key])
        let sealed = try sealer.seal("secret", context: "connections/1/password")
        #expect(throws: SecretError.self) { try sealer.open(sealed, context: other) }
    }

    @Test("an altered ciphertext does not open, and the error names no secret")
    func tamperDetected() throws {
        let sealer = try SecretSealer(keys: [key])
        var sealed = Array(try sealer.seal("secret", context: "c"))
        let index = sealed.count - 5
        sealed[index] = sealed[index] == "A" ? "B" : "A"
        let error = #expect(throws: SecretError.self) { try sealer.open(String(sealed), context: "c") }
        #expect(error?.description.contains("secret\"") == false)
    }

    @Test("values sealed under an older key open while it is configured, and not after")
    func rotation() throws {
        let old = try SecretSealer(keys: [key])
        let sealed = try old.seal("secret", context: "c")
        let newKey = MasterKey.generate()
        let both = try SecretSealer(keys: [newKey, key])
        #expect(try both.open(sealed, context: "c") == "secret")
        #expect(!both.isCurrent(sealed))
        let resealed = try both.seal("secret", context: "c")
        #expect(both.isCurrent(resealed))
        let onlyNew = try SecretSealer(keys: [newKey])
        let error = #expect(throws: SecretError.self) { try onlyNew.open(sealed, context: "c") }
        #expect(error?.description.contains(key.id) == true)
    }

    @Test("malformed stored values are refused", arguments: ["", "v1:abc", "v2:abcd1234:AAAA", "v1:abcd1234:!!!"])
    func malformed(_ value: String) throws {
        #expect(throws: SecretError.self) { try SecretSealer(keys: [key]).open(value, context: "c") }
    }
}

@Suite("MasterKeySource")
struct MasterKeySourceTests {
    func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dms-key-\(UUID().uuidString)").path
    }

    @Test("the embedded default generates a 0600 key file once and reads it back")
    func generatesOnce() throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let first = try MasterKeySource.load(environmentValue: nil, file: file, generateIfMissing: true)
        #expect(first.generated)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try MasterKeySource.load(environmentValue: nil, file: file, generateIfMissing: true)
        #expect(!second.generated)
        #expect(second.keys.map(\.id) == first.keys.map(\.id))
    }

    @Test("the environment wins over the file and may hold several keys")
    func environment() throws {
        let a = MasterKey.generate()
        let b = MasterKey.generate()
        let loaded = try MasterKeySource.load(environmentValue: "\(a.base64),\(b.base64)", file: "/nonexistent/key", generateIfMissing: false)
        #expect(loaded.keys.map(\.id) == [a.id, b.id])
    }

    @Test("a key file readable by others is refused")
    func permissiveFileRefused() throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try MasterKeySource.write([MasterKey.generate()], to: file)
        chmod(file, 0o644)
        let error = #expect(throws: SecretError.self) { try MasterKeySource.read(file) }
        #expect(error?.description.contains("chmod 600") == true)
    }

    @Test("wrong key material is refused with the reason", arguments: ["", "not base64!", "AAAA"])
    func badKeys(_ text: String) throws {
        #expect(throws: SecretError.self) { try MasterKeySource.load(environmentValue: text.isEmpty ? "," : text, file: "/nonexistent", generateIfMissing: false) }
    }

    @Test("no key and no permission to generate one is an error")
    func missing() throws {
        #expect(throws: SecretError.self) { try MasterKeySource.load(environmentValue: nil, file: "/nonexistent/key", generateIfMissing: false) }
    }
}
