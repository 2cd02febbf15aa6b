import DMSCatalog
import DMSCommandLineInput
import DMSStructuredText
import Foundation
import Yams

/// Reads the documents of `-f FILE|DIR|-` arguments: YAML (several per file, separated by `---`)
/// or JSON (one object, or an array of objects, per `.json` file). A directory means every
/// `*.yaml`, `*.yml` and `*.json` file directly in it, in name order.
public enum ManifestReader {
    /// One document as read, before its shape is checked.
    public struct RawDocument: Sendable {
        /// Where it came from.
        public var origin: DocumentOrigin
        /// Its content.
        public var value: JSONValue
        /// The directory relative paths in it (`fromFile`) are read from.
        public var directory: String
    }

    /// The file name extensions read from a directory.
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Every document of `paths`, in order; every unreadable file or document is reported.
    public static func read(_ paths: [String]) -> (documents: [RawDocument], errors: [ManifestError]) {
        var documents: [RawDocument] = []
        var errors: [ManifestError] = []
        for path in paths {
            for file in files(at: path, errors: &errors) {
                let (found, problems) = read(file: file)
                documents += found
                errors += problems
            }
        }
        return (documents, errors)
    }

    /// The files `path` stands for.
    private static func files(at path: String, errors: inout [ManifestError]) -> [String] {
        if path == "-" { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            errors.append(ManifestError(file: path, "no such file or directory"))
            return []
        }
        guard isDirectory.boolValue else { return [path] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            errors.append(ManifestError(file: path, "cannot list the directory"))
            return []
        }
        let matching = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        if matching.isEmpty { errors.append(ManifestError(file: path, "no *.yaml, *.yml or *.json file in the directory")) }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        return matching.map { "\(base)/\($0)" }
    }

    /// The documents of one file (`-`: stdin).
    private static func read(file: String) -> ([RawDocument], [ManifestError]) {
        let name = file == "-" ? "(stdin)" : file
        let text: String
        let directory: String
        if file == "-" {
            text = StandardInput.readAll()
            directory = FileManager.default.currentDirectoryPath
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                return ([], [ManifestError(file: name, "cannot read the file")])
            }
            text = String(decoding: data, as: UTF8.self)
            directory = (file as NSString).deletingLastPathComponent.isEmpty ? "." : (file as NSString).deletingLastPathComponent
        }
        if (file as NSString).pathExtension.lowercased() == "json" {
            return readJSON(text, file: name, directory: directory)
        }
        return readYAML(text, file: name, directory: directory)
    }

    private static func readJSON(_ text: String, file: String, directory: String) -> ([RawDocument], [ManifestError]) {
        do {
            switch try StructuredText.parseJSON(text) {
            case .array(let elements):
                let documents = elements.enumerated().map {
                    RawDocument(origin: DocumentOrigin(file: file, index: $0.offset + 1), value: $0.element, directory: directory)
                }
                return (documents, [])
            case let value:
                return ([RawDocument(origin: DocumentOrigin(file: file, index: 1), value: value, directory: directory)], [])
            }
        } catch {
            return ([], [ManifestError(DocumentOrigin(file: file, index: 1), error.description)])
        }
    }

    private static func readYAML(_ text: String, file: String, directory: String) -> ([RawDocument], [ManifestError]) {
        var documents: [RawDocument] = []
        var index = 0
        do {
            let parser = try Parser(yaml: text)
            while true {
                index += 1
                guard let node = try parser.nextRoot() else { break }
                let origin = DocumentOrigin(file: file, index: index)
                do {
                    documents.append(RawDocument(origin: origin, value: try JSONValue(yaml: node), directory: directory))
                } catch {
                    return (documents, [ManifestError(origin, field: error.path.isEmpty ? nil : error.path, error.problem)])
                }
            }
        } catch {
            let origin = DocumentOrigin(file: file, index: max(index, 1))
            return (documents, [ManifestError(origin, "invalid YAML: \(YAMLErrorText.describe(error))")])
        }
        return (documents, [])
    }
}
