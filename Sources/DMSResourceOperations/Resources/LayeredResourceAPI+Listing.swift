import DMSClient

extension LayeredResourceAPI {
    /// The resources of this kind in `namespace` whose names start with `namePrefix`, only those
    /// on the connection `connectionID` unless it is empty, in the pages `plan` says.
    public static func collect(
        _ plan: Pager.Plan, namespace: String, namePrefix: String = "", connectionID: String = "", client: RPCClient,
        options: RPCClient.CallOptions
    ) async throws -> Pager.Collected<Resource> {
        try await Pager.collect(plan) { pageSize, pageToken in
            var request = ListRequest()
            request.namespace = namespace
            request.namePrefix = namePrefix
            request.connectionID = connectionID
            request.pageSize = pageSize
            request.pageToken = pageToken
            let page = try await client.unary(list, request, options: options)
            return (page.items, page.nextPageToken)
        }
    }
}
