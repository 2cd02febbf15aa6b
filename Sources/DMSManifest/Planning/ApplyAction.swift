/// What `apply` does with one document.
public enum ApplyAction: Sendable, Equatable {
    /// The resource does not exist: create it.
    case create
    /// These fields differ: send them.
    case update(fields: [String])
    /// Only secrets might differ (the server hides them): send them; the server's revision tells
    /// whether that changed anything.
    case sendSecrets(fields: [String])
    /// Nothing differs: send nothing.
    case unchanged

    /// What `--dry-run` reports: `would create`, `would update`, `would send secrets`, `unchanged`.
    public var dryRunResult: String {
        switch self {
        case .create: "would create"
        case .update: "would update"
        case .sendSecrets: "would send secrets"
        case .unchanged: "unchanged"
        }
    }

    /// The fields it touches, for reports; `nil` when none.
    public var fields: [String]? {
        switch self {
        case .update(let fields), .sendSecrets(let fields): fields
        case .create, .unchanged: nil
        }
    }
}
