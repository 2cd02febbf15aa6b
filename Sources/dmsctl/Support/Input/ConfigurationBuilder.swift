import ArgumentParser
import DMSCatalog
import Foundation

/// Builds the configuration object that a create, update or upgrade sends, from what the command
/// line gives: a file (`--schema-file`, `-` for stdin) or else the object to start from, then the
/// `--set`/`--set-string`/`--unset` changes, then the secrets (`--password-stdin`,
/// `--prompt-secrets`).
struct ConfigurationBuilder {
    /// The file, `-` for stdin, or `nil`.
    var file: String?
    /// The name of the file flag, for messages (`--schema-file`).
    var fileFlag: String
    /// `--set`, `--set-string`, `--unset`.
    var assignments: ConfigAssignmentOptions
    /// `--password-stdin`, `--prompt-secrets`; `nil` where secrets have no place (job options).
    var secrets: SecretInputOptions?

    /// Whether the command line asks for no change of the object at all.
    var isEmpty: Bool { file == nil && assignments.isEmpty && (secrets?.isEmpty ?? true) }

    /// Whether the connector's spec is worth fetching: to refuse its secret fields in `--set` and
    /// to know which to prompt for.
    var wantsSpec: Bool { !assignments.isEmpty || secrets?.promptSecrets == true }

    /// Refuses combinations that cannot work.
    func validate() throws {
        if file == "-", secrets?.passwordStdin == true {
            throw ValidationError("\(fileFlag) - and --password-stdin both read stdin; use one of them")
        }
    }

    /// The object to send.
    ///
    /// - Parameters:
    ///   - base: the object to start from when no file is given (the current one for an update).
    ///   - secretFields: which keys are secret (refused in `--set`).
    ///   - promptable: the secret fields `--prompt-secrets` asks for when not given.
    func build(base: [String: JSONValue], secretFields: SecretFields, promptable: [String]) throws -> [String: JSONValue] {
        try assignments.refuseSecrets(secretFields)
        var object = try file.map { try Self.readObject(from: $0, flag: fileFlag) } ?? base
        object = try assignments.applied(to: object)
        if secrets?.passwordStdin == true {
            object["password"] = .string(try StandardInput.readPassword())
        }
        if secrets?.promptSecrets == true {
            for field in promptable where Self.lacksValue(object[field]) {
                object[field] = .string(try SecretPrompt.read(field))
            }
        }
        return object
    }

    /// The object in the JSON or YAML file at `path` (`-`: stdin).
    static func readObject(from path: String, flag: String) throws -> [String: JSONValue] {
        let text: String
        if path == "-" {
            text = StandardInput.readAll()
        } else {
            // Read through a handle rather than by size, so a named pipe works like a file.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CommandFailure("\(flag) \(path): cannot read the file", status: .usage)
            }
            defer { try? handle.close() }
            text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        }
        do {
            return try StructuredText.parseObject(text, what: "the file")
        } catch {
            throw CommandFailure("\(flag) \(path == "-" ? "(stdin)" : path): \(error.description)", status: .usage)
        }
    }

    /// Whether a secret field still needs a value: absent, empty, or the server's placeholder.
    private static func lacksValue(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null: true
        case .string(let text): text.isEmpty || text == RedactedValue.placeholder
        default: false
        }
    }
}
