import ArgumentParser

/// `dmsctl job …`: migration jobs — what to move from which source to which target, and when.
struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Create, show, change, delete, run, pause and resume migration jobs.",
        subcommands: [
            Create.self, Get.self, List.self, Describe.self, Update.self, Delete.self, Run.self, Pause.self, Resume.self,
        ],
        aliases: ["jobs", "migrationjob", "migrationjobs"])
}
