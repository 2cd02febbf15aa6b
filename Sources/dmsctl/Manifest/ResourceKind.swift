/// The kinds of resource a document of `dmsctl apply -f` can describe, in dependency order.
enum ResourceKind: String, CaseIterable, Sendable {
    case namespace, connection, source, target, job

    /// Reads a document's `kind` (`Namespace`, `Connection`, `Source`, `Target`, `MigrationJob`,
    /// or `Job`); case does not matter.
    init?(documentKind: String) {
        switch documentKind.lowercased() {
        case "namespace": self = .namespace
        case "connection": self = .connection
        case "source": self = .source
        case "target": self = .target
        case "migrationjob", "job": self = .job
        default: return nil
        }
    }

    /// The `kind` as documents write it.
    var documentName: String {
        switch self {
        case .namespace: "Namespace"
        case .connection: "Connection"
        case .source: "Source"
        case .target: "Target"
        case .job: "MigrationJob"
        }
    }

    /// The noun dmsctl uses for it: `connection`, `job`.
    var noun: String { rawValue }

    /// Apply order: what others refer to goes first (delete goes the other way). Sources and
    /// targets share a rank and keep their document order.
    var applyRank: Int {
        switch self {
        case .namespace: 0
        case .connection: 1
        case .source, .target: 2
        case .job: 3
        }
    }

    /// Whether it lives in a namespace (all but namespaces).
    var isNamespaced: Bool { self != .namespace }

    /// Whether names are unique across all namespaces rather than within one (connections).
    var hasGlobalNames: Bool { self == .connection || self == .namespace }

    /// `Namespace, Connection, Source, Target, MigrationJob (or Job)`, for messages.
    static var documentNames: String {
        allCases.map(\.documentName).joined(separator: ", ") + " (or Job)"
    }
}
