import ArgumentParser

/// `dmsctl run …`: the runs of migration jobs — their state, progress, logs; cancel them.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Show, list, watch and cancel runs of migration jobs, and read their logs.",
        subcommands: [Get.self, List.self, Logs.self, Watch.self, Cancel.self],
        aliases: ["runs"])
}
