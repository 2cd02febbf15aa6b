/// A kind of data store ("postgres", "file", …) and every version of its configuration spec.
public struct ConnectorType: Sendable, Hashable {
    /// The name Connections use in their `type` field, e.g. `postgres`.
    public let type: String
    /// For people, e.g. `PostgreSQL`.
    public let displayName: String
    /// For people: what it connects to and how, in one paragraph.
    public let description: String
    /// Every spec version, oldest first; never empty, numbered 1, 2, 3, …
    public let versions: [ConnectorSpec]

    /// A connector type from its parts.
    ///
    /// - Precondition: `versions` is not empty and numbered 1, 2, 3, … in order.
    public init(type: String, displayName: String, description: String, versions: [ConnectorSpec]) {
        precondition(!versions.isEmpty, "connector type \(type) has no spec versions")
        precondition(
            versions.map(\.version) == Array(1...versions.count),
            "connector type \(type): spec versions must be numbered 1, 2, 3, … in order"
        )
        self.type = type
        self.displayName = displayName
        self.description = description
        self.versions = versions
    }

    /// The newest spec version; new Connections get it unless they ask for another.
    public var latestVersion: Int { versions.count }

    /// The newest spec.
    public var latest: ConnectorSpec { versions[versions.count - 1] }

    /// The spec of `version`, or nil when there is no such version.
    public func spec(version: Int) -> ConnectorSpec? {
        versions.indices.contains(version - 1) ? versions[version - 1] : nil
    }

    /// Carries a Connection's configuration from spec version `from` forward to version `to`,
    /// applying each version's ``ConnectorSpec/upgradeFromPrevious`` in turn: renamed fields move
    /// to their new names (a value already under the new name wins), removed fields are dropped,
    /// everything else is kept. The result is not validated: validate it against the new version.
    ///
    /// - Throws: ``CatalogError`` ``CatalogError/Code/unknownVersion`` when either version does not
    ///   exist, ``CatalogError/Code/unsupportedUpgrade`` when `to` is older than `from`.
    public func upgrade(_ schema: [String: JSONValue], from: Int, to: Int) throws(CatalogError) -> [String: JSONValue] {
        for version in [from, to] where spec(version: version) == nil {
            throw CatalogError(.unknownVersion, "\(type) has no spec version \(version) (versions 1 to \(latestVersion))")
        }
        guard from <= to else {
            throw CatalogError(.unsupportedUpgrade, "cannot upgrade \(type) from version \(from) back to version \(to)")
        }
        return versions[from..<to].reduce(schema) { $1.upgradeFromPrevious.carry($0) }
    }
}
