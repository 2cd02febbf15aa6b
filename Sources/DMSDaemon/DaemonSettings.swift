import DMSClient
import DMSEngine
import Foundation
import Logging
import Yams

/// One layer of settings (flags, environment or file): every field optional, so layers merge.
///
/// The names are the same everywhere: flag `--max-frame-bytes`, variable `DMS_MAX_FRAME_BYTES`,
/// file key `max-frame-bytes`.
public struct DaemonSettings: Codable, Sendable, Equatable {
    public var listen: String?
    public var dataDir: String?
    public var tlsCert: String?
    public var tlsKey: String?
    public var tlsClientCA: String?
    public var tlsNames: [String]?
    public var maxFrameBytes: Int?
    public var maxCallsPerConnection: Int?
    public var handshakeTimeout: Double?
    public var idleTimeout: Double?
    public var drainTimeout: Double?
    public var logLevel: String?
    public var clientConfig: String?
    public var context: String?
    public var readyFile: String?
    public var databaseURL: String?
    public var databasePoolSize: Int?
    public var masterKeyFile: String?
    public var postgresUser: String?
    public var sparkMaster: String?
    public var sparkSubmit: String?
    public var sparkMode: String?
    public var sparkDriversDir: String?
    public var maxConcurrentRuns: Int?
    public var runLease: Double?
    public var misfireGrace: Double?
    public var simulatedRunSeconds: Double?
    /// Where each set value came from (`--listen`, `DMS_LISTEN`, `dmsd.yaml: listen`), by file key,
    /// so an error names the origin of the value it refuses.
    public var origins: [String: String] = [:]

    /// An empty layer.
    public init() {}

    /// The file keys of the values this layer sets.
    public var presentKeys: [String] {
        guard let data = try? JSONEncoder().encode(self),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return object.keys.sorted()
    }

    /// This layer with every set value's origin recorded as `describe(key)`.
    public func withOrigins(_ describe: (String) -> String) -> DaemonSettings {
        var copy = self
        for key in presentKeys { copy.origins[key] = describe(key) }
        return copy
    }

    /// Where `key`'s value came from; the bare key when unknown.
    public func origin(_ key: String) -> String { origins[key] ?? key }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen
        case dataDir = "data-dir"
        case tlsCert = "tls-cert"
        case tlsKey = "tls-key"
        case tlsClientCA = "tls-client-ca"
        case tlsNames = "tls-names"
        case maxFrameBytes = "max-frame-bytes"
        case maxCallsPerConnection = "max-calls-per-connection"
        case handshakeTimeout = "handshake-timeout"
        case idleTimeout = "idle-timeout"
        case drainTimeout = "drain-timeout"
        case logLevel = "log-level"
        case clientConfig = "client-config"
        case context
        case readyFile = "ready-file"
        case databaseURL = "database-url"
        case databasePoolSize = "database-pool-size"
        case masterKeyFile = "master-key-file"
        case postgresUser = "postgres-user"
        case sparkMaster = "spark-master"
        case sparkSubmit = "spark-submit"
        case sparkMode = "spark-mode"
        case sparkDriversDir = "spark-drivers-dir"
        case maxConcurrentRuns = "max-concurrent-runs"
        case runLease = "run-lease"
        case misfireGrace = "misfire-grace"
        case simulatedRunSeconds = "simulated-run-seconds"
    }

    /// The keys a config file may use.
    public static var fileKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// The environment variable of a setting: `max-frame-bytes` → `DMS_MAX_FRAME_BYTES`.
    public static func environmentName(_ key: String) -> String {
        "DMS_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// Reads the `DMS_*` variables.
    public static func fromEnvironment(_ environment: [String: String]) throws -> DaemonSettings {
        var settings = DaemonSettings()
        func text(_ key: CodingKeys) -> String? {
            environment[environmentName(key.rawValue)].flatMap { $0.isEmpty ? nil : $0 }
        }
        func number<T: LosslessStringConvertible>(_ key: CodingKeys, _: T.Type) throws -> T? {
            guard let raw = text(key) else { return nil }
            guard let value = T(raw) else {
                throw ConfigurationError(source: environmentName(key.rawValue), "\"\(raw)\" is not a number")
            }
            return value
        }
        settings.listen = text(.listen)
        settings.dataDir = text(.dataDir)
        settings.tlsCert = text(.tlsCert)
        settings.tlsKey = text(.tlsKey)
        settings.tlsClientCA = text(.tlsClientCA)
        settings.tlsNames = text(.tlsNames)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        settings.maxFrameBytes = try number(.maxFrameBytes, Int.self)
        settings.maxCallsPerConnection = try number(.maxCallsPerConnection, Int.self)
        settings.handshakeTimeout = try number(.handshakeTimeout, Double.self)
        settings.idleTimeout = try number(.idleTimeout, Double.self)
        settings.drainTimeout = try number(.drainTimeout, Double.self)
        settings.logLevel = text(.logLevel)
        settings.clientConfig = text(.clientConfig)
        settings.context = text(.context)
        settings.readyFile = text(.readyFile)
        settings.databaseURL = text(.databaseURL)
        settings.databasePoolSize = try number(.databasePoolSize, Int.self)
        settings.masterKeyFile = text(.masterKeyFile)
        settings.postgresUser = text(.postgresUser)
        settings.sparkMaster = text(.sparkMaster)
        settings.sparkSubmit = text(.sparkSubmit)
        settings.sparkMode = text(.sparkMode)
        settings.sparkDriversDir = text(.sparkDriversDir)
        settings.maxConcurrentRuns = try number(.maxConcurrentRuns, Int.self)
        settings.runLease = try number(.runLease, Double.self)
        settings.misfireGrace = try number(.misfireGrace, Double.self)
        settings.simulatedRunSeconds = try number(.simulatedRunSeconds, Double.self)
        return settings.withOrigins(environmentName)
    }

    /// Reads a YAML (or JSON) config file; unknown keys are refused by name.
    public static func fromFile(_ path: String) throws -> DaemonSettings {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(source: path, "cannot read the config file")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(source: path, "not valid YAML: \(error)")
        }
        guard let node, !Self.isNull(node) else { return DaemonSettings() }
        guard let mapping = node.mapping else { throw ConfigurationError(source: path, "must be a mapping of settings") }
        let known = Set(fileKeys)
        for key in mapping.keys {
            guard let name = key.string, known.contains(name) else {
                throw ConfigurationError(
                    source: "\(path): \(key.string ?? "?")", "unknown setting (known: \(fileKeys.joined(separator: ", ")))")
            }
        }
        do {
            return try YAMLDecoder().decode(DaemonSettings.self, from: node).withOrigins { "\(path): \($0)" }
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigurationError(source: "\(path): \(field)", "wrong type: \(context.debugDescription)")
        } catch {
            throw ConfigurationError(source: path, "\(error)")
        }
    }

    /// True for an empty document (`---`, `~`, `null`): no settings.
    private static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return NSNull.construct(from: scalar) != nil
    }

    /// This layer with the gaps filled from `lower`.
    public func over(_ lower: DaemonSettings) -> DaemonSettings {
        var merged = DaemonSettings()
        merged.listen = listen ?? lower.listen
        merged.dataDir = dataDir ?? lower.dataDir
        merged.tlsCert = tlsCert ?? lower.tlsCert
        merged.tlsKey = tlsKey ?? lower.tlsKey
        merged.tlsClientCA = tlsClientCA ?? lower.tlsClientCA
        merged.tlsNames = tlsNames ?? lower.tlsNames
        merged.maxFrameBytes = maxFrameBytes ?? lower.maxFrameBytes
        merged.maxCallsPerConnection = maxCallsPerConnection ?? lower.maxCallsPerConnection
        merged.handshakeTimeout = handshakeTimeout ?? lower.handshakeTimeout
        merged.idleTimeout = idleTimeout ?? lower.idleTimeout
        merged.drainTimeout = drainTimeout ?? lower.drainTimeout
        merged.logLevel = logLevel ?? lower.logLevel
        merged.clientConfig = clientConfig ?? lower.clientConfig
        merged.context = context ?? lower.context
        merged.readyFile = readyFile ?? lower.readyFile
        merged.databaseURL = databaseURL ?? lower.databaseURL
        merged.databasePoolSize = databasePoolSize ?? lower.databasePoolSize
        merged.masterKeyFile = masterKeyFile ?? lower.masterKeyFile
        merged.postgresUser = postgresUser ?? lower.postgresUser
        merged.sparkMaster = sparkMaster ?? lower.sparkMaster
        merged.sparkSubmit = sparkSubmit ?? lower.sparkSubmit
        merged.sparkMode = sparkMode ?? lower.sparkMode
        merged.sparkDriversDir = sparkDriversDir ?? lower.sparkDriversDir
        merged.maxConcurrentRuns = maxConcurrentRuns ?? lower.maxConcurrentRuns
        merged.runLease = runLease ?? lower.runLease
        merged.misfireGrace = misfireGrace ?? lower.misfireGrace
        merged.simulatedRunSeconds = simulatedRunSeconds ?? lower.simulatedRunSeconds
        merged.origins = lower.origins.merging(origins) { _, upper in upper }
        return merged
    }
}

/// A setting that cannot be used, naming where it came from and why.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// The flag, variable or file (and key) the value came from.
    public let source: String
    /// Why it was refused.
    public let reason: String

    /// Creates the error.
    public init(source: String, _ reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}

extension DaemonConfiguration {
    /// Resolves flags over `DMS_*` variables over the config file (`--config` or `DMS_CONFIG_FILE`)
    /// over the defaults, and validates the result.
    public static func resolve(
        flags: DaemonSettings, configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DaemonConfiguration {
        let fromEnvironment = try DaemonSettings.fromEnvironment(environment)
        let filePath = configFile ?? environment["DMS_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let fromFile = try filePath.map(DaemonSettings.fromFile) ?? DaemonSettings()
        let settings = flags.over(fromEnvironment).over(fromFile)
        return try DaemonConfiguration(settings: settings, environment: environment)
    }

    /// Applies `settings` over the defaults, refusing values that cannot work.
    init(settings: DaemonSettings, environment: [String: String]) throws {
        self.init()
        dataDirectory = Self.defaultDataDirectory(environment: environment)
        clientConfigFile = ClientConfigFile.defaultPath(environment: environment)
        if let listen = settings.listen {
            guard let (host, port) = Self.parseListen(listen) else {
                throw ConfigurationError(source: settings.origin("listen"), "\"\(listen)\" is not host:port (port 0–65535)")
            }
            listenHost = host
            listenPort = port
        }
        if let dataDir = settings.dataDir { dataDirectory = dataDir }
        dataDirectory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        switch (settings.tlsCert, settings.tlsKey) {
        case (nil, nil): break
        case (let cert?, let key?):
            tlsCertificateFile = cert
            tlsKeyFile = key
        default:
            throw ConfigurationError(source: "\(settings.origin("tls-cert")) / \(settings.origin("tls-key"))", "give both the certificate and its key, or neither")
        }
        tlsClientCAFile = settings.tlsClientCA
        tlsExtraNames = settings.tlsNames ?? []
        if let value = settings.maxFrameBytes {
            guard (1024...(1 << 30)).contains(value) else {
                throw ConfigurationError(source: settings.origin("max-frame-bytes"), "\(value) is outside 1024…1073741824")
            }
            maximumFrameBytes = value
        }
        if let value = settings.maxCallsPerConnection {
            guard (1...100_000).contains(value) else {
                throw ConfigurationError(source: settings.origin("max-calls-per-connection"), "\(value) is outside 1…100000")
            }
            maximumCallsPerConnection = value
        }
        handshakeTimeoutSeconds = try Self.positive(settings.handshakeTimeout, settings.origin("handshake-timeout")) ?? handshakeTimeoutSeconds
        idleTimeoutSeconds = try Self.positive(settings.idleTimeout, settings.origin("idle-timeout")) ?? idleTimeoutSeconds
        drainTimeoutSeconds = try Self.positive(settings.drainTimeout, settings.origin("drain-timeout")) ?? drainTimeoutSeconds
        if let level = settings.logLevel {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(
                    source: settings.origin("log-level"), "\"\(level)\" is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logLevel = parsed
        }
        if let path = settings.clientConfig { clientConfigFile = path == "none" ? nil : path }
        if let context = settings.context { clientContextName = context }
        readyFile = settings.readyFile
        if let url = settings.databaseURL, !url.isEmpty { databaseURL = url }
        if let size = settings.databasePoolSize {
            guard (1...500).contains(size) else {
                throw ConfigurationError(source: settings.origin("database-pool-size"), "\(size) is outside 1…500")
            }
            databasePoolSize = size
        }
        masterKeyFile = settings.masterKeyFile ?? "\(dataDirectory)/master.key"
        masterKeyFromEnvironment = environment["DMS_MASTER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let user = settings.postgresUser { postgresUser = user }
        if let master = settings.sparkMaster {
            let known = master == "local" || master.hasPrefix("local[") || master.hasPrefix("spark://") || master == "yarn"
                || master.hasPrefix("k8s://") || master.hasPrefix("mesos://")
            guard known else {
                throw ConfigurationError(source: settings.origin("spark-master"), "\"\(master)\" is not a Spark master (local[*], local[N], spark://host:port, yarn, k8s://…)")
            }
            sparkMaster = master
        }
        if let path = settings.sparkSubmit {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw ConfigurationError(source: settings.origin("spark-submit"), "\(path) is not an executable file")
            }
            sparkSubmit = path
        }
        if let mode = settings.sparkMode {
            guard let parsed = SparkSettings.Mode(rawValue: mode) else {
                throw ConfigurationError(source: settings.origin("spark-mode"), "\"\(mode)\" is not one of \(SparkSettings.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sparkMode = parsed
        }
        sparkDriversDirectory = settings.sparkDriversDir
        if let count = settings.maxConcurrentRuns {
            guard (1...1000).contains(count) else {
                throw ConfigurationError(source: settings.origin("max-concurrent-runs"), "\(count) is outside 1…1000")
            }
            maximumConcurrentRuns = count
        }
        runLeaseSeconds = try Self.seconds(settings.runLease, within: 3...3600, settings.origin("run-lease")) ?? runLeaseSeconds
        misfireGraceSeconds = try Self.seconds(settings.misfireGrace, within: 0...86_400, settings.origin("misfire-grace")) ?? misfireGraceSeconds
        simulatedRunSeconds =
            try Self.seconds(settings.simulatedRunSeconds, within: 0...86_400, settings.origin("simulated-run-seconds")) ?? simulatedRunSeconds
    }

    private static func seconds(_ value: Double?, within range: ClosedRange<Double>, _ name: String) throws -> Double? {
        guard let value else { return nil }
        guard range.contains(value) else {
            throw ConfigurationError(source: name, "\(value) is outside \(Int(range.lowerBound))…\(Int(range.upperBound)) seconds")
        }
        return value
    }

    private static func positive(_ value: Double?, _ name: String) throws -> Double? {
        guard let value else { return nil }
        guard value > 0, value <= 86_400 else { throw ConfigurationError(source: name, "\(value) is not between 0 and 86400 seconds") }
        return value
    }

    static func parseListen(_ text: String) -> (String, Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
