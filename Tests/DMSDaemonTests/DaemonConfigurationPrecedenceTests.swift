import DMSClient
import DMSDaemon
import DMSTestSupport
import Foundation
import Testing

/// flags > DMS_* environment > YAML file > defaults, setting by setting.
@Suite struct DaemonConfigurationPrecedenceTests {
    static let home = "/home/tester"

    /// One setting with a distinct value in each layer.
    struct Setting: Sendable, CustomTestStringConvertible {
        let key: String
        let flag: @Sendable (inout DaemonSettings) -> Void
        let environment: String
        let file: String
        /// What `read` gives when the value came from the flag, the environment, the file, or nowhere.
        let expected: (flag: String, environment: String, file: String, default: String)
        let read: @Sendable (DaemonConfiguration) -> String
        var testDescription: String { key }
    }

    /// Which layers set the value.
    enum Layers: String, CaseIterable, Sendable {
        case all, environmentAndFile, fileOnly, flagAndFile, environmentOnly, none
        var flag: Bool { self == .all || self == .flagAndFile }
        var environment: Bool { self == .all || self == .environmentAndFile || self == .environmentOnly }
        var file: Bool { self == .all || self == .environmentAndFile || self == .fileOnly || self == .flagAndFile }
    }

    static let settings: [Setting] = [
        Setting(
            key: "listen", flag: { $0.listen = "127.0.0.1:1001" }, environment: "0.0.0.0:1002", file: "\"[::1]:1003\"",
            expected: ("127.0.0.1:1001", "0.0.0.0:1002", "::1:1003", "127.0.0.1:7443"),
            read: { "\($0.listenHost):\($0.listenPort)" }),
        Setting(
            key: "data-dir", flag: { $0.dataDir = "/srv/flag" }, environment: "/srv/env", file: "/srv/file",
            expected: ("/srv/flag", "/srv/env", "/srv/file", "\(home)/.local/share/dms"), read: { $0.dataDirectory }),
        Setting(
            key: "max-frame-bytes", flag: { $0.maxFrameBytes = 2048 }, environment: "4096", file: "8192",
            expected: ("2048", "4096", "8192", "4194304"), read: { "\($0.maximumFrameBytes)" }),
        Setting(
            key: "max-calls-per-connection", flag: { $0.maxCallsPerConnection = 5 }, environment: "6", file: "7",
            expected: ("5", "6", "7", "100"), read: { "\($0.maximumCallsPerConnection)" }),
        Setting(
            key: "idle-timeout", flag: { $0.idleTimeout = 1.5 }, environment: "2.5", file: "3.5",
            expected: ("1.5", "2.5", "3.5", "300.0"), read: { "\($0.idleTimeoutSeconds)" }),
        Setting(
            key: "handshake-timeout", flag: { $0.handshakeTimeout = 1 }, environment: "2", file: "3",
            expected: ("1.0", "2.0", "3.0", "10.0"), read: { "\($0.handshakeTimeoutSeconds)" }),
        Setting(
            key: "log-level", flag: { $0.logLevel = "debug" }, environment: "WARNING", file: "error",
            expected: ("debug", "warning", "error", "info"), read: { $0.logLevel.rawValue }),
        Setting(
            key: "tls-names", flag: { $0.tlsNames = ["flag.example"] }, environment: "env1.example, 10.0.0.2",
            file: "[file.example, 10.0.0.3]",
            expected: ("flag.example", "env1.example,10.0.0.2", "file.example,10.0.0.3", ""),
            read: { $0.tlsExtraNames.joined(separator: ",") }),
        Setting(
            key: "client-config", flag: { $0.clientConfig = "/f/config" }, environment: "/e/config", file: "none",
            expected: ("/f/config", "/e/config", "nil", "\(home)/.config/dms/config"), read: { $0.clientConfigFile ?? "nil" }),
        Setting(
            key: "context", flag: { $0.context = "from-flag" }, environment: "from-env", file: "from-file",
            expected: ("from-flag", "from-env", "from-file", "local"), read: { $0.clientContextName }),
        Setting(
            key: "ready-file", flag: { $0.readyFile = "/f/ready" }, environment: "/e/ready", file: "/y/ready",
            expected: ("/f/ready", "/e/ready", "/y/ready", "nil"), read: { $0.readyFile ?? "nil" }),
    ]

    @Test(arguments: settings, Layers.allCases)
    func highestLayerThatSetsAValueWins(setting: Setting, layers: Layers) async throws {
        try await withTemporaryDirectory { root in
            var flags = DaemonSettings()
            if layers.flag { setting.flag(&flags) }
            var environment = ["HOME": Self.home]
            if layers.environment { environment[DaemonSettings.environmentName(setting.key)] = setting.environment }
            var configFile: String?
            if layers.file {
                configFile = "\(root)/dmsd.yaml"
                try "\(setting.key): \(setting.file)\n".write(toFile: configFile!, atomically: true, encoding: .utf8)
            }
            let configuration = try DaemonConfiguration.resolve(flags: flags, configFile: configFile, environment: environment)
            let expected =
                layers.flag ? setting.expected.flag
                : layers.environment ? setting.expected.environment
                : layers.file ? setting.expected.file : setting.expected.default
            #expect(setting.read(configuration) == expected)
        }
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        let configuration = try DaemonConfiguration.resolve(flags: DaemonSettings(), configFile: nil, environment: ["HOME": Self.home])
        #expect(configuration.listenHost == "127.0.0.1")
        #expect(configuration.listenPort == 7443)
        #expect(configuration.dataDirectory == "\(Self.home)/.local/share/dms")
        #expect(configuration.tlsCertificateFile == nil && configuration.tlsKeyFile == nil && configuration.tlsClientCAFile == nil)
        #expect(configuration.maximumFrameBytes == 4 * 1024 * 1024)
        #expect(configuration.maximumCallsPerConnection == 100)
        #expect(configuration.handshakeTimeoutSeconds == 10)
        #expect(configuration.idleTimeoutSeconds == 300)
        #expect(configuration.drainTimeoutSeconds == 30)
        #expect(configuration.logLevel == .info)
        #expect(configuration.clientConfigFile == "\(Self.home)/.config/dms/config")
        #expect(configuration.clientContextName == "local")
        #expect(configuration.readyFile == nil)
    }

    @Test func defaultDirectoriesFollowXDGVariables() throws {
        let configuration = try DaemonConfiguration.resolve(
            flags: DaemonSettings(), configFile: nil,
            environment: ["HOME": Self.home, "XDG_DATA_HOME": "/xdg/data", "XDG_CONFIG_HOME": "/xdg/config"])
        #expect(configuration.dataDirectory == "/xdg/data/dms")
        #expect(configuration.clientConfigFile == "/xdg/config/dms/config")
    }

    @Test func tlsCertificateAndKeyAreTakenTogether() throws {
        var flags = DaemonSettings()
        flags.tlsCert = "/etc/dms/server.pem"
        flags.tlsKey = "/etc/dms/server-key.pem"
        flags.tlsClientCA = "/etc/dms/clients.pem"
        let configuration = try DaemonConfiguration.resolve(flags: flags, configFile: nil, environment: ["HOME": Self.home])
        #expect(configuration.tlsCertificateFile == "/etc/dms/server.pem")
        #expect(configuration.tlsKeyFile == "/etc/dms/server-key.pem")
        #expect(configuration.tlsClientCAFile == "/etc/dms/clients.pem")
    }

    @Test func emptyEnvironmentVariablesAreIgnored() throws {
        let environment = ["HOME": Self.home, "DMS_LISTEN": "", "DMS_MAX_FRAME_BYTES": "", "DMS_LOG_LEVEL": ""]
        let configuration = try DaemonConfiguration.resolve(flags: DaemonSettings(), configFile: nil, environment: environment)
        #expect(configuration.listenPort == 7443)
        #expect(configuration.maximumFrameBytes == 4 * 1024 * 1024)
        #expect(configuration.logLevel == .info)
    }

    @Test func configFileComesFromDMSConfigFileUnlessGivenExplicitly() async throws {
        try await withTemporaryDirectory { root in
            try "listen: 127.0.0.1:2001\n".write(toFile: "\(root)/a.yaml", atomically: true, encoding: .utf8)
            try "listen: 127.0.0.1:2002\n".write(toFile: "\(root)/b.yaml", atomically: true, encoding: .utf8)
            let environment = ["HOME": Self.home, "DMS_CONFIG_FILE": "\(root)/a.yaml"]
            let fromVariable = try DaemonConfiguration.resolve(flags: DaemonSettings(), configFile: nil, environment: environment)
            #expect(fromVariable.listenPort == 2001)
            let explicit = try DaemonConfiguration.resolve(flags: DaemonSettings(), configFile: "\(root)/b.yaml", environment: environment)
            #expect(explicit.listenPort == 2002)
        }
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n"])
    func emptyConfigFileMeansDefaults(content: String) async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/dmsd.yaml"
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try DaemonSettings.fromFile(path) == DaemonSettings())
        }
    }

    /// BUG: `Yams.compose` returns a null scalar (not nil) for these, and `fromFile` refuses them
    /// as "must be a mapping of settings"; they are empty YAML documents.
    @Test(arguments: ["---\n", "---\n# settings go here\n", "~\n", "null\n"])
    func configFileWithAnEmptyDocumentMeansDefaults(content: String) async throws {
        try await withTemporaryDirectory { root in
            let path = "\(root)/dmsd.yaml"
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try DaemonSettings.fromFile(path) == DaemonSettings())
        }
    }

    @Test func everyFileKeyIsAlsoReadFromItsVariable() throws {
        let numeric: Set = [
            "max-frame-bytes", "max-calls-per-connection", "handshake-timeout", "idle-timeout", "drain-timeout", "database-pool-size",
            "max-concurrent-runs", "run-lease", "misfire-grace", "simulated-run-seconds",
        ]
        #expect(DaemonSettings.environmentName("max-frame-bytes") == "DMS_MAX_FRAME_BYTES")
        #expect(DaemonSettings.fileKeys.count == 27)
        for key in DaemonSettings.fileKeys {
            let environment = [DaemonSettings.environmentName(key): numeric.contains(key) ? "2048" : "x"]
            #expect(try DaemonSettings.fromEnvironment(environment) != DaemonSettings(), "\(DaemonSettings.environmentName(key)) is not read")
        }
    }

    @Test(arguments: [
        ("relative/data", FileManager.default.currentDirectoryPath + "/relative/data"),
        ("./data", FileManager.default.currentDirectoryPath + "/data"),
        ("/srv/dms/../data", "/srv/data"),
        ("/srv/./dms", "/srv/dms"),
    ])
    func dataDirectoryBecomesAbsolute(given: String, expected: String) throws {
        var flags = DaemonSettings()
        flags.dataDir = given
        let configuration = try DaemonConfiguration.resolve(flags: flags, configFile: nil, environment: ["HOME": Self.home])
        #expect(configuration.dataDirectory == expected)
        // The same through the environment.
        let fromEnvironment = try DaemonConfiguration.resolve(
            flags: DaemonSettings(), configFile: nil, environment: ["HOME": Self.home, "DMS_DATA_DIR": given])
        #expect(fromEnvironment.dataDirectory == expected)
    }

    @Test(arguments: [
        ["DMS_CONFIG": "/etc/dms.yaml", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/me"],
        ["DMS_CONFIG": "", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/me"],
        ["XDG_CONFIG_HOME": "", "HOME": "/home/me"],
        ["HOME": "/home/me"],
    ])
    func dmsdAndDmsctlAgreeOnTheClientConfigPath(environment: [String: String]) throws {
        let resolved = try DaemonConfiguration.resolve(flags: DaemonSettings(), configFile: nil, environment: environment)
        #expect(resolved.clientConfigFile == ClientConfigFile.defaultPath(environment: environment))
    }
}
