import DMSManifest
import DMSTestSupport

/// Writes `files` (name → text) into a fresh directory and loads every one of them as
/// `apply -f` does (in name order, secrets resolved from `environment`).
func loadManifests(
    _ files: [String: String], resolvingSecrets: Bool = true, environment: [String: String] = [:]
) async throws -> Result<[ManifestDocument], ManifestRejection> {
    try await withTemporaryDirectory { directory in
        for (name, text) in files {
            try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        return Result { () throws(ManifestRejection) in
            try ManifestLoading.load([directory], resolvingSecrets: resolvingSecrets, environment: environment)
        }
    }
}

/// The problems a rejection lists, or its headline when it has one problem only; with the
/// temporary directory's path taken out, so that tests compare `db.yaml, document 2: …`.
func problems(_ rejection: ManifestRejection) -> [String] {
    let lines = rejection.problems.isEmpty ? [rejection.message] : rejection.problems.map(\.description)
    return lines.map { line in
        guard let slash = line.range(of: "/", options: .backwards, range: line.startIndex..<(line.firstIndex(of: ",") ?? line.endIndex))
        else { return line }
        return String(line[slash.upperBound...])
    }
}

extension Result {
    /// The failure, or `nil` on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
