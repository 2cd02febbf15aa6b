import ArgumentParser

/// dms-bench — the benchmarks behind `scripts/bench`. Each subcommand measures one part of DMS
/// against a baseline of the same work done by the bare libraries, and prints a table and
/// `BENCH <name> <value> <unit> baseline=<value> ratio=<value>` lines.
@main
struct DMSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dms-bench",
        abstract: "DMS benchmarks (run them through scripts/bench, which starts a dmsd).",
        subcommands: [RPCBench.self, StoreBench.self, MigrateJobBench.self, SchedulerBench.self])
}
