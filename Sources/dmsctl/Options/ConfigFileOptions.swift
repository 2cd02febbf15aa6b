import ArgumentParser
import DMSClient

/// `--config`: which client configuration file to read (and, for `config` commands, write).
struct ConfigFileOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "Client configuration file (default $DMS_CONFIG, $XDG_CONFIG_HOME/dms/config or ~/.config/dms/config).",
            valueName: "path"))
    var explicitPath: String?

    /// The file to use: `--config`, else ``ClientConfigFile/defaultPath(environment:)``.
    var path: String { explicitPath ?? ClientConfigFile.defaultPath() }

    /// Reads the file; a missing file is an empty configuration.
    func load() throws -> ClientConfigFile {
        try ClientConfigFile.load(from: path)
    }
}
