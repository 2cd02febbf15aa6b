import ArgumentParser
import DMSDaemon
import Foundation
import Logging

/// `dmsd rotate-key`: re-seals every stored secret under a new master key.
struct RotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Re-encrypt every stored secret under a new master key.",
        discussion: """
            Reads the same settings as `dmsd serve` (data directory, database, master key). With the \
            key file (default <data-dir>/master.key) a new key is generated, unless --new-key-file \
            gives one, and the file ends holding only the new key. With DMS_MASTER_KEY, give the new \
            key with --new-key-file and set DMS_MASTER_KEY to it afterwards. Restart running dmsd \
            replicas afterwards: they hold the old key in memory.
            """)

    @OptionGroup var options: DaemonOptions

    @Option(help: "A key file (mode 0600, base64 key on its first line) holding the new key; default: a generated key.")
    var newKeyFile: String?

    func run() async throws {
        let configuration = try options.resolve()
        let logger = DaemonOptions.bootstrapLogging(configuration)
        do {
            let report = try await KeyRotation.run(configuration, newKeyFile: newKeyFile, logger: logger)
            print("re-sealed \(report.resealed) secret values under key \(report.keyID); restart running dmsd replicas")
        } catch {
            FileHandle.standardError.write(Data("dmsd rotate-key: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
