import DMSAPI
import DMSCatalog
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire

/// Namespaces: admins create, change and delete them; scoped tokens see their own.
struct NamespaceService: Sendable {
    let store: MetadataStore

    func register(on router: inout MethodRouter) {
        router.register(API.NamespaceService.createNamespace) { request, context in
            try context.scope().checkAdmin("creating a namespace")
            if let reason = ResourceName.validate(request.name) { throw RPCError.invalidArgument([.init(field: "name", description: reason)]) }
            return try await store.namespaces.create(name: request.name, description: request.description_p)
        }
        router.register(API.NamespaceService.getNamespace) { request, context in
            if request.name.isEmpty { throw RPCError.invalidArgument([.init(field: "name", description: "required")]) }
            try context.scope().checkRead(request.name)
            return try await store.namespaces.get(name: request.name)
        }
        router.register(API.NamespaceService.listNamespaces) { request, context in
            try await store.namespaces.list(
                prefix: request.namePrefix, only: try context.scope().namespace, pageSize: request.pageSize, pageToken: request.pageToken)
        }
        router.register(API.NamespaceService.updateNamespace) { request, context in
            try context.scope().checkAdmin("changing a namespace")
            var violations = [RPCError.FieldViolation]()
            UpdateMaskCheck.check(request.updateMask, allowed: ["description"], violations: &violations)
            guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
            return try await store.namespaces.update(name: request.name, expectedRevision: request.expectedRevision, description: request.description_p)
        }
        router.register(API.NamespaceService.deleteNamespace) { request, context in
            try context.scope().checkAdmin("deleting a namespace")
            if request.name == "default" { throw RPCError(.failedPrecondition, "namespace \"default\" cannot be deleted") }
            try await store.namespaces.delete(name: request.name, expectedRevision: request.expectedRevision)
            return Dms_V1_DeleteNamespaceResponse()
        }
    }
}

/// Checks update-mask names in services that have no repository-side mask.
enum UpdateMaskCheck {
    /// Adds a violation for each name in `mask` that is not in `allowed`.
    static func check(_ mask: [String], allowed: Set<String>, violations: inout [RPCError.FieldViolation]) {
        for (index, name) in mask.enumerated() where !allowed.contains(name) {
            violations.append(.init(field: "update_mask[\(index)]", description: "unknown field \"\(name)\"; one of: \(allowed.sorted().joined(separator: ", "))"))
        }
    }
}
