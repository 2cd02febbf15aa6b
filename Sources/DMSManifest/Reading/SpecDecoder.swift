import DMSCatalog

/// Reads the `spec` of one document, per kind; see ``ManifestSpec`` for the fields.
struct SpecDecoder {
    /// Where secret references are resolved from; `nil` leaves them as they are.
    var secrets: SecretReference.Context?

    /// The fields each kind's spec may have, in the order `apply --help` lists them.
    static func fields(of kind: ResourceKind) -> [String] {
        switch kind {
        case .namespace: ["description"]
        case .connection: ["type", "version", "schema"]
        case .source, .target: ["connection", "conf"]
        case .job:
            [
                "source", "target", "schedule", "timeZone", "paused", "options", "sparkConf", "timeoutSeconds", "maxAttempts",
                "retryBackoffSeconds", "overlapPolicy", "misfirePolicy", "misfireMaxRuns",
            ]
        }
    }

    /// The spec of a `kind` document.
    func decode(_ kind: ResourceKind, _ object: [String: JSONValue]) throws(FieldReader.FieldError) -> ManifestSpec {
        let spec = try FieldReader(object, path: "spec", allowed: Self.fields(of: kind))
        switch kind {
        case .namespace:
            return .namespace(.init(description: try spec.string("description")))
        case .connection:
            return .connection(
                .init(
                    type: try spec.requiredString("type"),
                    version: try spec.integer("version", as: Int32.self, minimum: 1),
                    schema: try resolved(spec.object("schema"), path: "spec.schema")))
        case .source, .target:
            let layered = ManifestSpec.LayeredSpec(
                connection: try spec.requiredName("connection"), conf: try resolved(spec.object("conf"), path: "spec.conf"))
            return kind == .source ? .source(layered) : .target(layered)
        case .job:
            return .job(
                .init(
                    source: try spec.requiredName("source"),
                    target: try spec.requiredName("target"),
                    schedule: try spec.string("schedule"),
                    timeZone: try spec.string("timeZone"),
                    paused: try spec.bool("paused"),
                    options: try spec.object("options"),
                    sparkConf: try spec.stringMap("sparkConf"),
                    timeoutSeconds: try spec.integer("timeoutSeconds", as: Int64.self),
                    maxAttempts: try spec.integer("maxAttempts", as: Int32.self),
                    retryBackoffSeconds: try spec.integer("retryBackoffSeconds", as: Int64.self),
                    overlapPolicy: try spec.choice("overlapPolicy", as: OverlapPolicyName.self),
                    misfirePolicy: try spec.choice("misfirePolicy", as: MisfirePolicyName.self),
                    misfireMaxRuns: try spec.integer("misfireMaxRuns", as: Int32.self)))
        }
    }

    private func resolved(
        _ object: [String: JSONValue]?, path: String
    ) throws(FieldReader.FieldError) -> [String: JSONValue]? {
        guard let object, let secrets else { return object }
        return try SecretReference.resolving(object, path: path, context: secrets)
    }
}
