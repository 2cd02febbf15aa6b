/// The rule for names of namespaces, connections, sources, targets and jobs: 1 to 63 characters
/// of a-z, 0-9 and '-', starting with a letter.
enum ResourceName {
    /// Why `name` breaks the rule, or `nil` when it keeps it.
    static func problem(_ name: String) -> String? {
        guard !name.isEmpty else { return "required" }
        let rule = "a name is 1 to 63 characters of a-z, 0-9 and '-', starting with a letter"
        guard name.utf8.count <= 63 else { return "\"\(name)\" is too long (\(rule))" }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else {
            return "\"\(name)\" does not start with a letter a-z (\(rule))"
        }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return allowed ? nil : "\"\(name)\" holds a character other than a-z, 0-9 and '-' (\(rule))"
    }
}
