import Foundation

/// The test run's canary secret: every dmsd a test starts (``DaemonProcess``) is given it as the
/// password of one connection, and when that dmsd stops, its log, every file under its root and
/// every row of its metadata database are searched for it (``CanaryScan``). Found anywhere in
/// clear, it fails the test that owned the daemon.
///
/// The canary lives in a namespace of its own, which no test makes or expects; a test that counts
/// resources of every namespace counts it too (`dmsd rotate-key` re-seals its password).
public enum Canary {
    /// The secret: unique to this test process, and used nowhere but as the seeded password.
    public static let secret = "run-canary-\(UUID().uuidString.lowercased())"

    /// The namespace of the seeded connection.
    public static let namespace = "dms-canary"

    /// The seeded connection's name (connection names are unique across namespaces).
    public static let connectionName = "dms-canary-warehouse"

    /// The schema of the seeded connection: a postgres connection (spec version 1) whose password is the canary.
    static var connectionSchema: String {
        #"{"host":"canary.invalid","port":5432,"database":"canary","user":"canary","password":"\#(secret)","sslmode":"disable"}"#
    }

    /// Shown in reports instead of the secret itself, so that a report does not spread it further.
    static let mask = "<canary>"
}

/// One place the canary was found in clear.
public struct CanaryLeak: Sendable, CustomStringConvertible {
    /// Where: a file and line (or byte offset), or a table, column and row.
    public let location: String
    /// The text around it, with the canary masked.
    public let excerpt: String

    /// Creates a report of a leak at `location`.
    public init(location: String, excerpt: String) {
        self.location = location
        self.excerpt = excerpt
    }

    public var description: String { "\(location): \(excerpt)" }
}
