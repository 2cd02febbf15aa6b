import DMSProto

/// A job's misfire policy as documents and the command line write it: `skip`, `once` or `all`.
public enum MisfirePolicyName: String, CaseIterable, Sendable {
    /// Ticks missed while dmsd was down or the job paused are skipped.
    case skip
    /// They make one run.
    case once
    /// They make a run each (up to the job's `misfireMaxRuns`).
    case all

    /// The policy on the wire.
    public var policy: Dms_V1_MisfirePolicy {
        switch self {
        case .skip: .skip
        case .once: .once
        case .all: .all
        }
    }
}
