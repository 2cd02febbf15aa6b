/// A result that knows how to show itself for `-o table`.
///
/// API messages conform in `<Message>+Table.swift` files; lists usually render
/// ``TextTable/columns(_:_:)``, single resources ``TextTable/keyValues(_:)``.
public protocol TableRepresentable {
    /// The text for `-o table`, ending in a newline.
    var tableText: String { get }
}
