/// Well-known metadata keys of a REQUEST frame.
public enum MetadataKey {
    /// `"Bearer <token>"`.
    public static let authorization = "authorization"
    /// The default namespace of the call.
    public static let namespace = "namespace"
    /// A free-form client name and version.
    public static let client = "client"
}

/// The protocol's identity, for ALPN and health answers.
public enum WireProtocol {
    /// The protobuf package and major version of the contract.
    public static let version = "dms.v1"
    /// The ALPN protocol id the server offers.
    public static let alpn = "dms/1"
}
