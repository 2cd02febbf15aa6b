import DMSPostgres
import DMSSecrets
import DMSStore
import Foundation
import Logging

/// `dmsd rotate-key`: re-seals every stored secret under a new master key.
///
/// With a key file (the default `<data-dir>/master.key`), the new key is put first in the file
/// beside the old one before anything is re-sealed (so a crash half-way leaves every value
/// readable), all secrets are re-sealed in one transaction, and then the file keeps only the new
/// key. With `DMS_MASTER_KEY`, the new key must come from `--new-key-file`; set the variable to it
/// afterwards. Running dmsd replicas keep the old key in memory: restart them after a rotation.
public enum KeyRotation {
    /// What a rotation did.
    public struct Report: Sendable {
        /// Secret values re-sealed.
        public var resealed: Int
        /// The id of the key that now seals everything.
        public var keyID: String
    }

    /// Rotates to the first key of `newKeyFile`, or to a generated key.
    public static func run(_ configuration: DaemonConfiguration, newKeyFile: String?, logger: Logger) async throws -> Report {
        let fromEnvironment = configuration.masterKeyFromEnvironment != nil
        if fromEnvironment, newKeyFile == nil {
            throw SecretError("the master key comes from DMS_MASTER_KEY: give the new key with --new-key-file, then set DMS_MASTER_KEY to it")
        }
        let current = try MasterKeySource.load(
            environmentValue: configuration.masterKeyFromEnvironment, file: configuration.masterKeyFile, generateIfMissing: false
        ).keys
        let newKey = try newKeyFile.map { try MasterKeySource.read($0)[0] } ?? MasterKey.generate()
        guard current[0].id != newKey.id else {
            throw SecretError("the new key is the key in use")
        }
        if !fromEnvironment {
            try MasterKeySource.write([newKey] + current, to: configuration.masterKeyFile)
        }
        let (pool, embedded) = try await MetadataDatabase.connect(configuration, logger: logger, stopsOnlyWhatItStarted: true)
        defer {
            pool.close()
            if let embedded { try? embedded.stop() }
        }
        try await SchemaMigrator(migrations: StoreSchema.migrations, logger: logger).migrate(pool)
        let count = try await MetadataStore.rotateKey(pool: pool, keys: [newKey] + current)
        if !fromEnvironment {
            try MasterKeySource.write([newKey], to: configuration.masterKeyFile)
        }
        return Report(resealed: count, keyID: newKey.id)
    }
}
