/// What went wrong in the catalog: malformed JSON text, an unknown connector type or version, an
/// impossible upgrade. Messages name the problem and never contain a secret value.
public struct CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; an extensible set.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// A short, stable name, e.g. `malformed-json`.
        public let name: String

        /// A code with the given name.
        public init(_ name: String) { self.name = name }

        /// JSON text that does not parse, or that has a duplicate key in an object.
        public static let malformedJSON = Code("malformed-json")
        /// A connector type the catalog does not know.
        public static let unknownConnectorType = Code("unknown-connector-type")
        /// A spec version a connector type does not have.
        public static let unknownVersion = Code("unknown-version")
        /// An upgrade that goes backwards.
        public static let unsupportedUpgrade = Code("unsupported-upgrade")
        /// A connector definition (a spec file) that is not shaped as it must be.
        public static let invalidDefinition = Code("invalid-definition")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public let code: Code
    /// For people: what failed and why, e.g. `at offset 12: expected ':' after an object key`.
    public let message: String
    /// For ``Code/malformedJSON``: the 0-based offset in the text, counted in Unicode code points,
    /// where the problem was found. Nil for other codes.
    public let offset: Int?

    /// An error with the given code and message.
    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
