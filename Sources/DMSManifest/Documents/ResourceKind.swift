/// The kinds of resource a document of `dmsctl apply -f` can describe, in dependency order.
public enum ResourceKind: String, CaseIterable, Sendable {
    case namespace, connection, source, target, job

    /// Reads a document's `kind` (`Namespace`, `Connection`, `Source`, `Target`, `MigrationJob`,
    /// or `Job`); case does not matter.
    public init?(documentKind: String) {
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
    public var documentName: String {
        switch self {
        case .namespace: "Namespace"
        case .connection: "Connection"
        case .source: "Source"
        case .target: "Target"
        case .job: "MigrationJob"
        }
    }

    /// The noun dmsctl uses for it: `connection`, `job`.
    public var noun: String { rawValue }

    /// Apply order: what others refer to goes first (delete goes the other way). Sources and
    /// targets share a rank and keep their document order.
    public var applyRank: Int {
        switch self {
        case .namespace: 0
        case .connection: 1
        case .source, .target: 2
        case .job: 3
        }
    }

    /// Whether it lives in a namespace (all but namespaces).
    public var isNamespaced: Bool { self != .namespace }

    /// Whether names are unique across all namespaces rather than within one (connections).
    public var hasGlobalNames: Bool { self == .connection || self == .namespace }

    /// `Namespace, Connection, Source, Target, MigrationJob (or Job)`, for messages.
    public static var documentNames: String {
        allCases.map(\.documentName).joined(separator: ", ") + " (or Job)"
    }
}
