import DMSCatalog
import Foundation
import SwiftProtobuf

/// Writes results to stdout in the format chosen with `--output`.
///
/// API messages are written as protobuf JSON (`jsonString()`, lowerCamelCase names; fields holding
/// JSON text as nested objects, see ``EmbeddedJSON``), or as the same content in YAML, or as their
/// ``TableRepresentable`` text. Values that are not messages
/// (contexts, versions) are `Encodable` and written with Foundation's JSON and Yams' YAML encoders.
public struct OutputPrinter: Sendable {
    /// The format.
    public let format: OutputFormat

    /// A printer writing `format`.
    public init(format: OutputFormat) {
        self.format = format
    }

    /// Writes one API message.
    public func print(_ message: some SwiftProtobuf.Message & TableRepresentable) throws {
        try print(message, table: message.tableText)
    }

    /// Writes one API message, with `table` as its table form.
    public func print(_ message: some SwiftProtobuf.Message, table: @autoclosure () -> String) throws {
        StandardStreams.write(try render(message, table: table))
    }

    /// Writes one item of a stream: a line for `table`, one JSON document per line for `json`,
    /// a `---`-separated document for `yaml`.
    public func printStreamItem(_ message: some SwiftProtobuf.Message, line: @autoclosure () -> String) throws {
        switch format {
        case .table: StandardStreams.write(line() + "\n")
        case .json: StandardStreams.write(EmbeddedJSON.expanding(try message.jsonString()) + "\n")
        case .yaml: StandardStreams.write("---\n" + (try YAMLRendering.yaml(fromJSON: EmbeddedJSON.expanding(try message.jsonString()))))
        }
    }

    /// Writes one item of a stream that is not an API message: a line for `table`, one JSON
    /// document per line for `json`, a `---`-separated document for `yaml`.
    public func printStreamItem(_ value: some Encodable, line: @autoclosure () -> String) throws {
        switch format {
        case .table: StandardStreams.write(line() + "\n")
        case .json: StandardStreams.write(try Self.json(value) + "\n")
        case .yaml: StandardStreams.write("---\n" + (try YAMLRendering.yaml(value)))
        }
    }

    /// Writes a JSON document built by dmsctl (e.g. a message with added fields), with `table`
    /// as its table form.
    public func print(document: JSONValue, table: @autoclosure () -> String) {
        switch format {
        case .table: StandardStreams.write(table())
        case .json: StandardStreams.write(document.serialized() + "\n")
        case .yaml:
            let json = document.serialized()
            StandardStreams.write((try? YAMLRendering.yaml(fromJSON: json)) ?? json + "\n")
        }
    }

    /// Writes a value that is not an API message, with `table` as its table form.
    public func print(_ value: some Encodable, table: @autoclosure () -> String) throws {
        switch format {
        case .table: StandardStreams.write(table())
        case .json: StandardStreams.write(try Self.json(value) + "\n")
        case .yaml: StandardStreams.write(try YAMLRendering.yaml(value))
        }
    }

    /// The text for `message` in this format.
    public func render(_ message: some SwiftProtobuf.Message, table: () -> String) throws -> String {
        switch format {
        case .table: table()
        case .json: EmbeddedJSON.expanding(try message.jsonString()) + "\n"
        case .yaml: try YAMLRendering.yaml(fromJSON: EmbeddedJSON.expanding(try message.jsonString()))
        }
    }

    /// Compact JSON with sorted keys, so scripts see stable output.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
