/// How results are written to stdout (dmsctl's `--output`).
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns or KEY value lines, for people.
    case table
    /// JSON: protobuf JSON mapping (lowerCamelCase names) for API messages; one document per line
    /// when streaming.
    case json
    /// The same content as JSON, as YAML; `---` separates streamed documents.
    case yaml
}
