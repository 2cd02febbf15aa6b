/// The fields of a document that differ from what the server has, as the document names them.
struct FieldChanges: Sendable, Equatable {
    /// Fields whose values differ.
    var changed: [String] = []
    /// Fields that differ only in secrets the server hides (`schema`, `conf`): they must be sent
    /// to know, and the server's revision then tells whether anything changed.
    var secretsOnly: [String] = []

    /// Records a comparison of the object field `field`.
    mutating func record(_ field: String, _ outcome: ConfigComparison.Outcome) {
        switch outcome {
        case .equal: break
        case .secretsOnly: secretsOnly.append(field)
        case .different: changed.append(field)
        }
    }

    /// Records `field` as changed when `desired` is given and differs from `actual`.
    mutating func record<Value: Equatable>(_ field: String, desired: Value?, actual: Value) {
        if let desired, desired != actual { changed.append(field) }
    }

    /// Every field to send: the changed ones and those holding secrets.
    var toSend: [String] { changed + secretsOnly }

    /// What apply does about them.
    var action: ApplyAction {
        if !changed.isEmpty { return .update(fields: toSend) }
        if !secretsOnly.isEmpty { return .sendSecrets(fields: secretsOnly) }
        return .unchanged
    }
}
