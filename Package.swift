// swift-tools-version:6.1
// DMS — a data migration service: dmsd (the daemon), dmsctl (the client), and the libraries they
// are made of. See README.md for users and ../shared/DESIGN.md for the map.
import PackageDescription

let package = Package(
    name: "dms",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dmsd", targets: ["dmsd"]),
        .executable(name: "dmsctl", targets: ["dmsctl"]),
        .library(name: "DMSClient", targets: ["DMSClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // The contract: code generated from Protos/ by scripts/gen-protos. Never edited by hand.
        .target(
            name: "DMSProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // Framing, status codes, errors and method descriptors: the protocol without any I/O.
        .target(
            name: "DMSWire",
            dependencies: [
                "DMSProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The method catalog of the contract (typed descriptors of every RPC), generated from
        // Protos/ by scripts/gen-protos. Never edited by hand.
        // Beside it, by hand: the shapes several messages share (LocatingRequest, LayeredResource, …).
        .target(
            name: "DMSAPI",
            dependencies: ["DMSWire", "DMSProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // TLS material: a development CA and server certificates, loading PEM files, TLS settings.
        .target(
            name: "DMSTLS",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The RPC server half: TLS listener, per-connection multiplexing, limits, drain.
        .target(
            name: "DMSRPCServer",
            dependencies: [
                "DMSWire", "DMSProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The RPC client half, and client contexts (~/.config/dms/config). dmsctl and tests use it.
        .target(
            name: "DMSClient",
            dependencies: [
                "DMSWire", "DMSProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Tokens: generation, hashing, constant-time checks, the bootstrap admin token.
        .target(
            name: "DMSAuth",
            dependencies: [
                "DMSWire",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // libpq, PostgreSQL's C client library (Debian: libpq-dev), as a Swift module.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // A small Swift layer over libpq: connections, a bounded pool off the event loops,
        // parameterised statements, transactions, error mapping, migrations, the embedded cluster.
        .target(
            name: "DMSPostgres",
            dependencies: [
                "CLibPQ", "DMSWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Connector types and their versioned JSON-Schema specs; JSON values, validation with
        // JSON paths, conf inheritance and redaction. Pure: no I/O.
        .target(name: "DMSCatalog", resources: [.embedInCode("Specs")]),
        // Cron schedules: parsing, validation and next fire times in a time zone. Pure: no I/O.
        .target(name: "DMSCron"),
        // Secret fields at rest: AES-256-GCM under a master key, bound to row and field.
        .target(
            name: "DMSSecrets",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The metadata store: schema migrations and one repository per resource, over DMSPostgres.
        .target(
            name: "DMSStore",
            dependencies: [
                "DMSPostgres", "DMSCatalog", "DMSSecrets", "DMSAuth", "DMSWire", "DMSProto", "DMSCron",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.embedInCode("Migrations")]
        ),
        // The handlers behind every method of the contract; thin.
        .target(
            name: "DMSServices",
            dependencies: [
                "DMSAPI", "DMSWire", "DMSProto", "DMSRPCServer", "DMSAuth", "DMSStore", "DMSCatalog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The few GNU extensions of glibc that Glibc's Swift module leaves out, for DMSEngine.
        .target(name: "CDMSSystem"),
        // The Spark engine: job specs, spark-submit and the warm engine, run supervision, the
        // dispatcher; and the PySpark job program it ships (embedded, written out at start).
        .target(
            name: "DMSEngine",
            dependencies: [
                "CDMSSystem", "DMSStore", "DMSPostgres", "DMSCatalog", "DMSProto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("PySpark")]
        ),
        // dmsd's configuration (flags > DMS_* environment > file) and its assembly into services.
        .target(
            name: "DMSDaemon",
            dependencies: [
                "DMSServices", "DMSRPCServer", "DMSTLS", "DMSAuth", "DMSClient", "DMSStore", "DMSPostgres",
                "DMSSecrets", "DMSEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "dmsd",
            dependencies: [
                "DMSDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // dmsctl's libraries, one job each. JSON and YAML text read into JSON values, with errors
        // that say where (line and column, or the field's path); what a connector's JSON Schema
        // text declares. Pure: no I/O.
        .target(
            name: "DMSStructuredText",
            dependencies: ["DMSCatalog", .product(name: "Yams", package: "Yams")]
        ),
        // What people give dmsctl besides flags: `--set` changes, configuration files, stdin, secrets
        // asked for on the terminal (never from argv), Ctrl-C.
        .target(name: "DMSCommandLineInput", dependencies: ["DMSCatalog", "DMSStructuredText"]),
        // `apply -f` / `delete -f` documents: reading, checking (errors name file, document and
        // field), dependency order, and what applying one would change. No network.
        .target(
            name: "DMSManifest",
            dependencies: [
                "DMSCatalog", "DMSStructuredText", "DMSCommandLineInput", "DMSAPI", "DMSProto",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Results for people and scripts: tables, JSON and YAML of API messages, on stdout/stderr.
        .target(
            name: "DMSCommandLineOutput",
            dependencies: [
                "DMSCatalog", "DMSStructuredText", "DMSAPI", "DMSProto", "DMSClient",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What dmsctl's commands do against a server beyond one call: names to ids, paging,
        // following a run, connector specs, carrying out apply and delete documents.
        .target(
            name: "DMSResourceOperations",
            dependencies: [
                "DMSClient", "DMSAPI", "DMSProto", "DMSWire", "DMSCatalog", "DMSStructuredText", "DMSCommandLineInput",
                "DMSCommandLineOutput", "DMSManifest",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The client executable: entry point, commands and option groups; the work is in the
        // libraries above.
        .executableTarget(
            name: "dmsctl",
            dependencies: [
                "DMSClient", "DMSAPI", "DMSProto", "DMSWire", "DMSCatalog", "DMSStructuredText", "DMSCommandLineInput",
                "DMSManifest", "DMSCommandLineOutput", "DMSResourceOperations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Benchmarks (scripts/bench): the RPC load generator and its bare NIO TLS echo baseline.
        .executableTarget(
            name: "dms-bench",
            dependencies: [
                "DMSClient", "DMSAPI", "DMSTLS", "DMSWire", "DMSProto", "DMSPostgres",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Helpers every test target shares: temp dirs, test certificates, a dmsd process.
        .target(
            name: "DMSTestSupport",
            dependencies: [
                "DMSClient", "DMSAPI", "DMSTLS", "DMSWire", "DMSProto", "DMSPostgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DMSTestSupport"
        ),
        .testTarget(
            name: "DMSWireTests",
            dependencies: [
                "DMSWire", "DMSProto", "DMSTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DMSAPITests", dependencies: ["DMSAPI", "DMSWire", "DMSProto"]),
        .testTarget(name: "DMSAuthTests", dependencies: ["DMSAuth", "DMSWire"]),
        .testTarget(name: "DMSServicesTests", dependencies: ["DMSServices", "DMSAuth", "DMSWire"]),
        .testTarget(name: "DMSCatalogTests", dependencies: ["DMSCatalog"]),
        .testTarget(name: "DMSSecretsTests", dependencies: ["DMSSecrets"]),
        // The engine's Swift side; Tests/DMSEngineTests/python holds the job program's pytest suite.
        .testTarget(name: "DMSEngineTests", dependencies: ["DMSEngine", "DMSTestSupport"], exclude: ["python"]),
        // cron_reference.py is run (with the venv's croniter) by the differential test, not built.
        .testTarget(name: "DMSCronTests", dependencies: ["DMSCron"], exclude: ["cron_reference.py"]),
        .testTarget(name: "DMSPostgresTests", dependencies: ["DMSPostgres", "DMSWire", "DMSTestSupport"]),
        .testTarget(
            name: "DMSStoreTests",
            dependencies: ["DMSStore", "DMSPostgres", "DMSCatalog", "DMSSecrets", "DMSWire", "DMSProto", "DMSTestSupport"]
        ),
        .testTarget(
            name: "DMSRPCServerTests",
            dependencies: [
                "DMSRPCServer", "DMSWire", "DMSProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DMSDaemonTests", dependencies: ["DMSDaemon", "DMSClient", "DMSTestSupport"]),
        .testTarget(name: "DMSStructuredTextTests", dependencies: ["DMSStructuredText", "DMSCatalog"]),
        .testTarget(name: "DMSCommandLineInputTests", dependencies: ["DMSCommandLineInput", "DMSCatalog", "DMSTestSupport"]),
        .testTarget(
            name: "DMSManifestTests",
            dependencies: ["DMSManifest", "DMSCatalog", "DMSAPI", "DMSProto", "DMSTestSupport"]
        ),
        .testTarget(
            name: "DMSCommandLineOutputTests",
            dependencies: ["DMSCommandLineOutput", "DMSProto", "DMSAPI", "DMSClient", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(name: "DMSResourceOperationsTests", dependencies: ["DMSResourceOperations", "DMSCatalog", "DMSProto", "DMSWire"]),
        .testTarget(
            name: "DMSCtlTests",
            dependencies: ["DMSClient", "DMSTestSupport", .product(name: "Yams", package: "Yams")],
            // Run by SecretPromptTests to give dmsctl a pseudo-terminal; not built.
            exclude: ["secret_prompt_pty.py"]
        ),
        .testTarget(
            name: "DMSTLSTests",
            dependencies: [
                "DMSTLS", "DMSTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(name: "DMSClientTests", dependencies: ["DMSClient", "DMSTestSupport"]),
        .testTarget(
            name: "DMSEndToEndTests",
            dependencies: [
                "DMSClient", "DMSAPI", "DMSTestSupport", "DMSWire", "DMSProto", "DMSTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
