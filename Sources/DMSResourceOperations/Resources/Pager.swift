import DMSCommandLineOutput

/// Collects the pages of a `list` call as a ``Plan`` (from ``ListOptions``) says: the first page,
/// or every page.
public enum Pager {
    /// Which pages to fetch.
    public struct Plan: Sendable {
        /// The `page_size` to ask for; 0 is the server's default.
        public var pageSize: Int32
        /// The page to start at; empty for the first.
        public var pageToken: String
        /// Whether to follow `next_page_token` to the last page.
        public var followsAllPages: Bool

        /// Pages of `pageSize` from `pageToken`: all of them when `followsAllPages`, else one.
        public init(pageSize: Int32, pageToken: String, followsAllPages: Bool) {
            self.pageSize = pageSize
            self.pageToken = pageToken
            self.followsAllPages = followsAllPages
        }

        /// Every page, in pages of the largest size: for commands that need a whole list.
        public static let everything = Plan(pageSize: 1000, pageToken: "", followsAllPages: true)
    }

    /// What was collected: the items, and the token of the next page (empty after the last).
    public struct Collected<Item: Sendable>: Sendable {
        /// The items of every page fetched, in order.
        public var items: [Item]
        /// `next_page_token` of the last page fetched; empty when there is no more.
        public var nextPageToken: String
    }

    /// Calls `fetch(pageSize, pageToken)` for the first page and, when `plan` says so, for every
    /// following page.
    ///
    /// - Throws: whatever `fetch` throws, or ``OperationError`` when the server repeats a page token.
    public static func collect<Item: Sendable>(
        _ plan: Plan, fetch: (_ pageSize: Int32, _ pageToken: String) async throws -> (items: [Item], next: String)
    ) async throws -> Collected<Item> {
        var items: [Item] = []
        var token = plan.pageToken
        var seen: Set<String> = [token]
        while true {
            let page = try await fetch(plan.pageSize, token)
            items += page.items
            guard plan.followsAllPages, !page.next.isEmpty else { return Collected(items: items, nextPageToken: page.next) }
            guard seen.insert(page.next).inserted else {
                throw OperationError(.failed, "the server repeated a page token; stopping after \(items.count) items")
            }
            token = page.next
        }
    }

    /// Tells on stderr, for `-o table`, how to get the page after `collected`.
    public static func noteMore(_ collected: Collected<some Any>, format: OutputFormat) {
        guard !collected.nextPageToken.isEmpty, format == .table else { return }
        StandardStreams.writeError("More results: add --page-token \(collected.nextPageToken) (or --all).\n")
    }
}
