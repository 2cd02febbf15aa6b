import Yams

/// One-line descriptions of Yams' errors: where (line and column) and what, without the snippet
/// of the document Yams appends (which could show a secret).
public enum YAMLErrorText {
    /// `line 4, column 3: mapping values are not allowed in this context`.
    public static func describe(_ error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return String(describing: error) }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return "line \(mark.line), column \(mark.column): \(prefix)\(problem)"
        case .reader(let problem, _, _, _):
            return problem
        default:
            return yamlError.description.split(separator: "\n").first.map(String.init) ?? "invalid YAML"
        }
    }

    /// The 1-based line of the problem, when Yams knows it.
    public static func line(of error: any Error) -> Int? {
        guard let yamlError = error as? YamlError else { return nil }
        switch yamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }
}
