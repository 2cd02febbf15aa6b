import ArgumentParser
import DMSProto

/// `--role admin|editor|viewer`.
enum TokenRoleArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case admin, editor, viewer

    /// The role on the wire.
    var role: Dms_V1_TokenRole {
        switch self {
        case .admin: .admin
        case .editor: .editor
        case .viewer: .viewer
        }
    }
}
