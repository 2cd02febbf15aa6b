import DMSProto

extension Dms_V1_TokenRole {
    /// `admin`, `editor`, `viewer`.
    public var displayName: String {
        switch self {
        case .unspecified: "unspecified"
        case .admin: "admin"
        case .editor: "editor"
        case .viewer: "viewer"
        case .UNRECOGNIZED(let value): "role-\(value)"
        }
    }
}

extension Dms_V1_OverlapPolicy {
    /// `skip`, `queue`; the unspecified policy is shown as what it means, `skip`.
    public var displayName: String {
        switch self {
        case .unspecified, .skip: "skip"
        case .queue: "queue"
        case .UNRECOGNIZED(let value): "overlap-\(value)"
        }
    }
}

extension Dms_V1_MisfirePolicy {
    /// `skip`, `once`, `all`; the unspecified policy is shown as what it means, `once`.
    public var displayName: String {
        switch self {
        case .skip: "skip"
        case .unspecified, .once: "once"
        case .all: "all"
        case .UNRECOGNIZED(let value): "misfire-\(value)"
        }
    }
}

extension Dms_V1_RunState {
    /// The name as in the .proto file without its prefix: `FRESH`, `QUEUED`, …
    public var displayName: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .fresh: "FRESH"
        case .queued: "QUEUED"
        case .running: "RUNNING"
        case .succeeded: "SUCCEEDED"
        case .failed: "FAILED"
        case .cancelled: "CANCELLED"
        case .UNRECOGNIZED(let value): "STATE_\(value)"
        }
    }
}

extension Dms_V1_RunTrigger {
    /// `manual`, `schedule`, `retry`.
    public var displayName: String {
        switch self {
        case .unspecified: "unspecified"
        case .manual: "manual"
        case .schedule: "schedule"
        case .retry: "retry"
        case .UNRECOGNIZED(let value): "trigger-\(value)"
        }
    }
}
