/// The fields of a document that differ from what the server has, as the document names them.
public struct FieldChanges: Sendable, Equatable {
    /// Fields whose values differ.
    public var changed: [String] = []
    /// Fields that differ only in secrets the server hides (`schema`, `conf`): they must be sent
    /// to know, and the server's revision then tells whether anything changed.
    public var secretsOnly: [String] = []

    /// Records a comparison of the object field `field`.
    public mutating func record(_ field: String, _ outcome: ConfigComparison.Outcome) {
        switch outcome {
        case .equal: break
        case .secretsOnly: secretsOnly.append(field)
        case .different: changed.append(field)
        }
    }

    /// Records `field` as changed when `desired` is given and differs from `actual`.
    public mutating func record<Value: Equatable>(_ field: String, desired: Value?, actual: Value) {
        if let desired, desired != actual { changed.append(field) }
    }

    /// Every field to send: the changed ones and those holding secrets.
    public var toSend: [String] { changed + secretsOnly }

    /// What apply does about them.
    public var action: ApplyAction {
        if !changed.isEmpty { return .update(fields: toSend) }
        if !secretsOnly.isEmpty { return .sendSecrets(fields: secretsOnly) }
        return .unchanged
    }
}
