import ArgumentParser
import DMSResourceOperations

/// The filters and paging of every `list` command.
///
/// Without `--limit`, `list` follows `next_page_token` to the end and shows everything (in every
/// output format). With `--limit N` it asks for pages of N and shows only the first, telling on
/// stderr (and in the `nextPageToken` of `-o json|yaml`) how to get the next one with
/// `--page-token`; `--all` with `--limit` fetches every page, N at a time.
struct ListOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Only names starting with this.", valueName: "text"))
    var prefix: String?

    @Option(help: ArgumentHelp("Page size (1 to 1000); shows only the first page unless --all.", valueName: "n"))
    var limit: Int32?

    @Option(help: ArgumentHelp("Start at this page (printed by an earlier --limit).", valueName: "token"))
    var pageToken: String?

    @Flag(help: "Fetch every page (the default without --limit).")
    var all = false

    func validate() throws {
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
    }

    /// Which pages to fetch.
    var paging: Pager.Plan {
        Pager.Plan(pageSize: limit ?? 0, pageToken: pageToken ?? "", followsAllPages: all || limit == nil)
    }

    /// `--prefix`, or empty.
    var namePrefix: String { prefix ?? "" }
}
