import DMSWire

/// An update request's `update_mask`: which fields to change. Empty means "every field given
/// (non-empty)".
struct UpdateMask {
    private let fields: Set<String>

    /// Reads `mask`, adding a violation for each name not in `allowed`.
    init(_ mask: [String], allowed: Set<String>, violations: inout [RPCError.FieldViolation]) {
        for (index, name) in mask.enumerated() where !allowed.contains(name) {
            violations.append(
                .init(field: "update_mask[\(index)]", description: "unknown field \"\(name)\"; one of: \(allowed.sorted().joined(separator: ", "))"))
        }
        fields = Set(mask)
    }

    /// Whether `field` changes: named in the mask, or (empty mask) given a non-empty value.
    func includes(_ field: String, nonEmpty: Bool) -> Bool {
        fields.isEmpty ? nonEmpty : fields.contains(field)
    }
}
