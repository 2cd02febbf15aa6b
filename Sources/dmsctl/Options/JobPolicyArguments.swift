import ArgumentParser
import DMSProto

/// `--overlap-policy skip|queue`.
enum OverlapPolicyArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case skip, queue

    /// The policy on the wire.
    var policy: Dms_V1_OverlapPolicy { self == .skip ? .skip : .queue }
}

/// `--misfire-policy skip|once|all`.
enum MisfirePolicyArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case skip, once, all

    /// The policy on the wire.
    var policy: Dms_V1_MisfirePolicy {
        switch self {
        case .skip: .skip
        case .once: .once
        case .all: .all
        }
    }
}
