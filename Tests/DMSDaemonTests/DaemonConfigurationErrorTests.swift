import DMSDaemon
import DMSTestSupport
import Foundation
import Testing

/// Bad values are refused with a ConfigurationError whose `source` says where to look.
@Suite struct DaemonConfigurationErrorTests {
    /// One bad configuration. `$FILE` in `source` stands for the config file's path.
    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        var flags: @Sendable (inout DaemonSettings) -> Void = { _ in }
        var environment: [String: String] = [:]
        /// Content of the config file; nil for no file, `missing` for a path that does not exist.
        var file: String? = nil
        /// Substrings the error's `source` must contain.
        let source: [String]
        var testDescription: String { name }

        static let missing = "\u{0}missing"
    }

    static let cases: [BadCase] = [
        BadCase(name: "listen without a port", flags: { $0.listen = "nonsense" }, source: ["listen"]),
        BadCase(name: "listen port 70000", flags: { $0.listen = "127.0.0.1:70000" }, source: ["listen"]),
        BadCase(name: "listen without a host", flags: { $0.listen = ":7443" }, source: ["listen"]),
        BadCase(name: "listen [::1] without a port", flags: { $0.listen = "[::1]" }, source: ["listen"]),
        BadCase(name: "tls-cert without tls-key", flags: { $0.tlsCert = "/c.pem" }, source: ["tls-cert", "tls-key"]),
        BadCase(name: "tls-key without tls-cert", flags: { $0.tlsKey = "/k.pem" }, source: ["tls-key"]),
        BadCase(name: "max-frame-bytes 10", flags: { $0.maxFrameBytes = 10 }, source: ["max-frame-bytes"]),
        BadCase(name: "max-frame-bytes 2 GiB", flags: { $0.maxFrameBytes = 2 << 30 }, source: ["max-frame-bytes"]),
        BadCase(name: "max-calls-per-connection 0", flags: { $0.maxCallsPerConnection = 0 }, source: ["max-calls-per-connection"]),
        BadCase(name: "handshake-timeout 0", flags: { $0.handshakeTimeout = 0 }, source: ["handshake-timeout"]),
        BadCase(name: "idle-timeout -1", flags: { $0.idleTimeout = -1 }, source: ["idle-timeout"]),
        BadCase(name: "drain-timeout NaN", flags: { $0.drainTimeout = .nan }, source: ["drain-timeout"]),
        BadCase(name: "unknown log level", flags: { $0.logLevel = "loud" }, source: ["log-level"]),
        BadCase(name: "unknown spark-mode", flags: { $0.sparkMode = "lukewarm" }, source: ["spark-mode"]),
        BadCase(name: "run-lease 1 s", flags: { $0.runLease = 1 }, source: ["run-lease"]),
        BadCase(name: "misfire-grace -1", flags: { $0.misfireGrace = -1 }, source: ["misfire-grace"]),
        BadCase(name: "simulated-run-seconds NaN", flags: { $0.simulatedRunSeconds = .nan }, source: ["simulated-run-seconds"]),
        BadCase(name: "DMS_RUN_LEASE=soon", environment: ["DMS_RUN_LEASE": "soon"], source: ["DMS_RUN_LEASE"]),
        BadCase(name: "DMS_MAX_FRAME_BYTES=abc", environment: ["DMS_MAX_FRAME_BYTES": "abc"], source: ["DMS_MAX_FRAME_BYTES"]),
        BadCase(name: "DMS_IDLE_TIMEOUT=soon", environment: ["DMS_IDLE_TIMEOUT": "soon"], source: ["DMS_IDLE_TIMEOUT"]),
        BadCase(name: "DMS_MAX_CALLS_PER_CONNECTION=1.5", environment: ["DMS_MAX_CALLS_PER_CONNECTION": "1.5"],
                source: ["DMS_MAX_CALLS_PER_CONNECTION"]),
        BadCase(name: "unknown key in the file", file: "listen: 127.0.0.1:7443\ncolour: blue\n", source: ["$FILE", "colour"]),
        BadCase(name: "wrong type in the file", file: "max-frame-bytes: lots\n", source: ["$FILE", "max-frame-bytes"]),
        BadCase(name: "list where a string belongs", file: "listen: [a, b]\n", source: ["$FILE", "listen"]),
        BadCase(name: "file that is a YAML list", file: "- listen\n- data-dir\n", source: ["$FILE"]),
        BadCase(name: "file that is a scalar", file: "just text\n", source: ["$FILE"]),
        BadCase(name: "file that is not YAML", file: "listen: [unclosed\n", source: ["$FILE"]),
        BadCase(name: "file that does not exist", file: BadCase.missing, source: ["$FILE"]),
    ]

    @Test(arguments: cases)
    func badValueIsRefusedNamingItsSource(_ bad: BadCase) async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/dmsd.yaml"
            if let file = bad.file, file != BadCase.missing {
                try file.write(toFile: path, atomically: true, encoding: .utf8)
            }
            var flags = DaemonSettings()
            bad.flags(&flags)
            let error = try #require(throws: ConfigurationError.self) {
                try DaemonConfiguration.resolve(
                    flags: flags, configFile: bad.file == nil ? nil : path, environment: bad.environment.merging(["HOME": "/home/tester"]) { a, _ in a })
            }
            for part in bad.source.map({ $0.replacingOccurrences(of: "$FILE", with: path) }) {
                #expect(error.source.contains(part), "source \"\(error.source)\" does not name \(part)")
            }
            #expect(!error.reason.isEmpty)
            #expect(error.description.hasPrefix(error.source))
        }
    }

    @Test func unknownFileKeyErrorListsTheKnownKeys() async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/dmsd.yaml"
            try "max_frame_bytes: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: ConfigurationError.self) { try DaemonSettings.fromFile(path) }
            #expect(error.source == "\(path): max_frame_bytes")
            for key in DaemonSettings.fileKeys { #expect(error.reason.contains(key)) }
        }
    }

    @Test func badValueFromAFlagIsNotMaskedByAGoodOneBelow() async throws {
        // Precedence applies to errors too: a bad flag fails even if the environment holds a good value.
        var flags = DaemonSettings()
        flags.maxFrameBytes = 10
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.resolve(flags: flags, configFile: nil, environment: ["DMS_MAX_FRAME_BYTES": "4096", "HOME": "/h"])
        }
    }

    /// Out-of-range values are checked after the layers merge, so the error must still say which
    /// layer the value came from (the documented contract of `ConfigurationError.source`).
    static let provenanceCases: [BadCase] = [
        BadCase(name: "DMS_LISTEN=nonsense", environment: ["DMS_LISTEN": "nonsense"], source: ["DMS_LISTEN"]),
        BadCase(name: "DMS_MAX_FRAME_BYTES=10", environment: ["DMS_MAX_FRAME_BYTES": "10"], source: ["DMS_MAX_FRAME_BYTES"]),
        BadCase(name: "DMS_LOG_LEVEL=loud", environment: ["DMS_LOG_LEVEL": "loud"], source: ["DMS_LOG_LEVEL"]),
        BadCase(name: "max-frame-bytes: 10 in the file", file: "max-frame-bytes: 10\n", source: ["$FILE", "max-frame-bytes"]),
        BadCase(name: "listen: nonsense in the file", file: "listen: nonsense\n", source: ["$FILE", "listen"]),
    ]

    @Test(arguments: provenanceCases)
    func outOfRangeValueFromTheEnvironmentOrFileNamesItsOrigin(_ bad: BadCase) async throws {
        try await badValueIsRefusedNamingItsSource(bad)
    }
}
