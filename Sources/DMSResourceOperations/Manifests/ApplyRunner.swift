import DMSAPI
import DMSClient
import DMSCommandLineOutput
import DMSManifest
import DMSProto
import DMSWire

/// Applies documents, in the order given, against one server: reads what exists, decides with
/// ``ApplyDiff`` what to do, does it (unless a dry run), and says what happened.
///
/// It remembers the ids of what it applied, so a later document can refer by name to something an
/// earlier one created — in a dry run too, where nothing is created and the reference is to a
/// resource that would be.
public struct ApplyRunner: ManifestRunner {
    /// `applied`.
    public static let verb = "applied"

    /// The connection to the server.
    public let client: RPCClient
    /// Per-call options (timeout).
    public let options: RPCClient.CallOptions
    /// Decide and report, but change nothing.
    public let dryRun: Bool
    /// The namespace of documents that give none (the context's; empty: the server's default).
    public let defaultNamespace: String

    /// Ids of resources applied so far, or placeholders for those a dry run would create.
    public var ids: [ResourceKey: String] = [:]
    /// Namespaces a dry run would create: nothing in them exists yet.
    public var newNamespaces: Set<String> = []

    /// A runner applying on `client` (or, in a `dryRun`, only deciding).
    public init(client: RPCClient, options: RPCClient.CallOptions, dryRun: Bool, defaultNamespace: String) {
        self.client = client
        self.options = options
        self.dryRun = dryRun
        self.defaultNamespace = defaultNamespace
    }

    /// Applies one document and says what happened to it.
    ///
    /// - Throws: the server's `RPCError` when it refuses, or an ``OperationError`` for a document
    ///   that cannot be applied (an unknown reference, a type that would change).
    public mutating func carryOut(_ document: ManifestDocument) async throws -> ResourceOutcome {
        switch document.spec {
        case .namespace(let spec): try await applyNamespace(document, spec)
        case .connection(let spec): try await applyConnection(document, spec)
        case .source(let spec): try await applyLayered(SourceAPI.self, document, spec)
        case .target(let spec): try await applyLayered(TargetAPI.self, document, spec)
        case .job(let spec): try await applyJob(document, spec)
        }
    }

    /// The key of a document's resource.
    public func key(of document: ManifestDocument) -> ResourceKey {
        ResourceKey(document.kind, namespace: namespace(of: document), name: document.name)
    }

    /// The outcome of an update the server answered: `unchanged` when its revision did not move
    /// (it found nothing to change), else `configured`.
    public func settled(_ document: ManifestDocument, _ action: ApplyAction, before: Int64, after: Int64) -> ResourceOutcome {
        after == before ? outcome(document, "unchanged") : outcome(document, "configured", fields: action.fields)
    }

    /// What `read` returns, or `nil` when the server says NOT_FOUND — or, in a dry run, when the
    /// resource's namespace would only be created by this apply.
    public func existing<Resource>(in namespace: String, _ read: () async throws -> Resource) async throws -> Resource? {
        if newNamespaces.contains(namespace) { return nil }
        do {
            return try await read()
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    /// The id of the `kind` named `name` that `document` refers to at `field`: applied earlier in
    /// this run, or found on the server.
    public mutating func reference(
        _ kind: ResourceKind, _ name: String, from document: ManifestDocument, field: String
    ) async throws -> String {
        let namespace = namespace(of: document)
        let key = ResourceKey(kind, namespace: namespace, name: name)
        if let id = ids[key] { return id }
        let id: String? = try await existing(in: namespace) {
            switch kind {
            case .connection:
                try await client.unary(API.ConnectionService.getConnection, .named(name, namespace: namespace), options: options).id
            case .source:
                try await client.unary(API.SourceService.getSource, .named(name, namespace: namespace), options: options).id
            case .target:
                try await client.unary(API.TargetService.getTarget, .named(name, namespace: namespace), options: options).id
            case .namespace, .job:
                ""
            }
        }
        guard let id else {
            let scope = namespace.isEmpty ? "the default namespace" : "namespace \"\(namespace)\""
            throw OperationError(.notFound, "\(field): \(kind.noun) \"\(name)\" not found in \(scope), nor defined in these documents")
        }
        ids[key] = id
        return id
    }

    /// Records the id of a document's resource; a dry run's creations get a placeholder.
    public mutating func remember(_ document: ManifestDocument, id: String?) {
        ids[key(of: document)] = id ?? "(new \(document.label))"
    }

    /// The failure for a document the server's resource cannot be brought to (e.g. another connection type).
    public func failure(_ conflict: ApplyDiff.Conflict) -> OperationError {
        OperationError(.refused, "\(conflict.field): \(conflict.problem)", cause: conflict)
    }

    private mutating func applyNamespace(_ document: ManifestDocument, _ spec: ManifestSpec.NamespaceSpec) async throws -> ResourceOutcome {
        let current = try await existing(in: "") {
            try await client.unary(API.NamespaceService.getNamespace, .with { $0.name = document.name }, options: options)
        }
        guard let current else {
            if dryRun {
                newNamespaces.insert(document.name)
                return outcome(document, ApplyAction.create.dryRunResult)
            }
            let request = Dms_V1_CreateNamespaceRequest.with {
                $0.name = document.name
                $0.description_p = spec.description ?? ""
            }
            _ = try await client.unary(API.NamespaceService.createNamespace, request, options: options)
            return outcome(document, "created")
        }
        let action = ApplyDiff.namespace(spec, current).action
        if dryRun || action == .unchanged { return outcome(document, action.dryRunResult, fields: action.fields) }
        let request = Dms_V1_UpdateNamespaceRequest.with {
            $0.name = document.name
            $0.expectedRevision = current.revision
            $0.updateMask = ["description"]
            $0.description_p = spec.description ?? ""
        }
        let updated = try await client.unary(API.NamespaceService.updateNamespace, request, options: options)
        return settled(document, action, before: current.revision, after: updated.revision)
    }
}
