import DMSProto
import Foundation

extension Dms_V1_Token: TableRepresentable {
    /// `NAME`, `ID`, `NAMESPACE`, `ROLE`, `PREFIX`, `STATUS`, `CREATED`, `EXPIRES`, `LAST USED`,
    /// `REVOKED` lines. Never the secret: the server does not have it.
    public var tableText: String {
        TextTable.keyValues(detailPairs)
    }

    /// The lines of ``tableText``.
    public var detailPairs: [(key: String, value: String)] {
        [
            ("name", name),
            ("id", id),
            ("namespace", namespace.isEmpty ? "-" : namespace),
            ("role", role.displayName),
            ("prefix", prefix),
            ("status", status),
            ("created", TimestampText.time(createTime, isSet: hasCreateTime)),
            ("expires", hasExpireTime ? TimestampText.time(expireTime, isSet: true) : "never"),
            ("last used", hasLastUsedTime ? TimestampText.time(lastUsedTime, isSet: true) : "never"),
            ("revoked", TimestampText.time(revokeTime, isSet: hasRevokeTime)),
        ]
    }

    /// What calls carrying the token may do now: its role's rights in its namespace, or nothing
    /// once it is revoked or expired.
    public var allowance: String {
        switch status {
        case "revoked": return "nothing (revoked)"
        case "expired": return "nothing (expired)"
        default: break
        }
        switch role {
        case .admin: return "everything, in every namespace"
        case .editor: return "reads, creates, changes, deletes and runs the resources of namespace \(namespace)"
        case .viewer: return "reads the resources, runs and logs of namespace \(namespace)"
        case .unspecified, .UNRECOGNIZED: return "nothing (role \(role.displayName))"
        }
    }

    /// ``tableText``, then `ALLOWS`: what `token describe` shows.
    public var describeTable: String {
        TextTable.keyValues(detailPairs + [("allows", allowance)])
    }

    /// `active`, `revoked` or `expired`.
    public var status: String {
        if hasRevokeTime { return "revoked" }
        if hasExpireTime, expireTime.date <= Date() { return "expired" }
        return "active"
    }
}

extension Dms_V1_ListTokensResponse: TableRepresentable {
    /// One row per token: `NAME`, `NAMESPACE`, `ROLE`, `PREFIX`, `STATUS`, `LAST USED`, `AGE`.
    public var tableText: String {
        TextTable.columns(
            ["name", "namespace", "role", "prefix", "status", "last used", "age"],
            tokens.map {
                [
                    $0.name, $0.namespace.isEmpty ? "-" : $0.namespace, $0.role.displayName, $0.prefix, $0.status,
                    $0.hasLastUsedTime ? TimestampText.age($0.lastUsedTime, isSet: true) + " ago" : "never",
                    TimestampText.age($0.createTime, isSet: $0.hasCreateTime),
                ]
            })
    }
}

extension Dms_V1_CreateTokenResponse: TableRepresentable {
    /// The token's lines, then `SECRET` — the only time the secret is ever shown.
    public var tableText: String {
        TextTable.keyValues(token.detailPairs + [("secret", secret)])
    }
}
