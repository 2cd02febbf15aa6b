import DMSProto

/// A job's overlap policy as documents and the command line write it: `skip` or `queue`.
public enum OverlapPolicyName: String, CaseIterable, Sendable {
    /// A tick while a run is in progress is skipped.
    case skip
    /// A tick while a run is in progress queues a run.
    case queue

    /// The policy on the wire.
    public var policy: Dms_V1_OverlapPolicy { self == .skip ? .skip : .queue }
}
