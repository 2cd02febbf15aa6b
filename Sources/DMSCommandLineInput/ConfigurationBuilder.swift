import DMSCatalog
import DMSStructuredText
import Foundation

/// Builds the configuration object that a create, update or upgrade sends, from what the command
/// line gives: a file (`--schema-file`, `-` for stdin) or else the object to start from, then the
/// `--set`/`--set-string`/`--unset` changes, then the secrets (`--password-stdin`,
/// `--prompt-secrets`).
public struct ConfigurationBuilder: Sendable {
    /// The file, `-` for stdin, or `nil`.
    public var file: String?
    /// The name of the file flag, for messages (`--schema-file`).
    public var fileFlag: String
    /// `--set`, `--set-string`, `--unset`.
    public var changes: ConfigChanges
    /// `--password-stdin`, `--prompt-secrets`; `nil` where secrets have no place (job options).
    public var secrets: SecretSources?

    /// A builder of the object `file` (read with `fileFlag` named in messages), `changes` and
    /// `secrets` describe.
    public init(file: String?, fileFlag: String, changes: ConfigChanges, secrets: SecretSources?) {
        self.file = file
        self.fileFlag = fileFlag
        self.changes = changes
        self.secrets = secrets
    }

    /// Whether the command line asks for no change of the object at all.
    public var isEmpty: Bool { file == nil && changes.isEmpty && (secrets?.isEmpty ?? true) }

    /// Whether the connector's spec is worth fetching: to refuse its secret fields in `--set` and
    /// to know which to prompt for.
    public var wantsSpec: Bool { !changes.isEmpty || secrets?.promptSecrets == true }

    /// Why the inputs cannot work together (two of them read stdin), or `nil` when they can.
    public var conflict: String? {
        guard file == "-", secrets?.passwordStdin == true else { return nil }
        return "\(fileFlag) - and --password-stdin both read stdin; use one of them"
    }

    /// The object to send.
    ///
    /// - Parameters:
    ///   - base: the object to start from when no file is given (the current one for an update).
    ///   - secretFields: which keys are secret (refused in `--set`).
    ///   - promptable: the secret fields `--prompt-secrets` asks for when not given.
    /// - Throws: ``InputError`` for a secret in `--set`, a file that does not read or parse, an
    ///   empty stdin or no terminal to prompt on.
    public func build(
        base: [String: JSONValue], secretFields: SecretFields, promptable: [String]
    ) throws(InputError) -> [String: JSONValue] {
        try changes.refuseSecrets(secretFields)
        var object = try file.map { path throws(InputError) in try Self.readObject(from: path, flag: fileFlag) } ?? base
        object = try changes.applied(to: object)
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

    /// The object in the JSON or YAML file at `path` (`-`: stdin); `flag` names the file in
    /// messages.
    public static func readObject(from path: String, flag: String) throws(InputError) -> [String: JSONValue] {
        let text: String
        if path == "-" {
            text = StandardInput.readAll()
        } else {
            // Read through a handle rather than by size, so a named pipe works like a file.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw InputError("\(flag) \(path): cannot read the file")
            }
            defer { try? handle.close() }
            text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        }
        do {
            return try StructuredText.parseObject(text, what: "the file")
        } catch {
            throw InputError("\(flag) \(path == "-" ? "(stdin)" : path): \(error.description)")
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
