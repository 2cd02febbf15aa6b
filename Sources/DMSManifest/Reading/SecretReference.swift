import DMSCatalog
import DMSCommandLineInput
import DMSStructuredText
import Foundation

/// A secret in a document given by reference instead of by value: `password: {fromEnv: PG_PASSWORD}`
/// reads an environment variable, `password: {fromFile: pg-password.txt}` a file (relative to the
/// document's directory; one trailing newline dropped). Only top-level fields of `schema` and
/// `conf` may be references.
public enum SecretReference {
    /// Where resolving looks: the environment, and the directory relative paths start from.
    public struct Context: Sendable {
        /// The process environment.
        public var environment: [String: String]
        /// The document's directory.
        public var directory: String

        /// Resolves with `environment`, relative paths from `directory`.
        public init(environment: [String: String], directory: String) {
            self.environment = environment
            self.directory = directory
        }
    }

    /// `object` with every reference replaced by the value it points to.
    static func resolving(
        _ object: [String: JSONValue], path: String, context: Context
    ) throws(FieldReader.FieldError) -> [String: JSONValue] {
        var result = object
        for (key, value) in object.sortedByKey {
            guard case .object(let reference) = value, reference.count == 1, let kind = reference.keys.first,
                kind == "fromEnv" || kind == "fromFile"
            else { continue }
            let field = "\(path).\(key).\(kind)"
            guard case .string(let target) = reference[kind]!, !target.isEmpty else {
                throw FieldReader.FieldError(field: field, problem: "must be a non-empty string")
            }
            result[key] = .string(kind == "fromEnv" ? try fromEnvironment(target, field: field, context: context)
                : try fromFile(target, field: field, context: context))
        }
        return result
    }

    private static func fromEnvironment(_ variable: String, field: String, context: Context) throws(FieldReader.FieldError) -> String {
        guard let value = context.environment[variable], !value.isEmpty else {
            throw FieldReader.FieldError(field: field, problem: "the environment variable \(variable) is not set")
        }
        return value
    }

    private static func fromFile(_ file: String, field: String, context: Context) throws(FieldReader.FieldError) -> String {
        let path = file.hasPrefix("/") ? file : "\(context.directory)/\(file)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FieldReader.FieldError(field: field, problem: "cannot read the file \(file)")
        }
        let value = StandardInput.droppingOneTrailingNewline(String(decoding: data, as: UTF8.self))
        guard !value.isEmpty else { throw FieldReader.FieldError(field: field, problem: "the file \(file) is empty") }
        return value
    }
}
