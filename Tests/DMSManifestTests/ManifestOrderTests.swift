import DMSManifest
import Testing

/// Dependency order and duplicates across documents.
@Suite struct ManifestOrderTests {
    static let mixed = """
        kind: MigrationJob
        metadata: {name: nightly}
        spec: {source: orders, target: warehouse}
        ---
        kind: Target
        metadata: {name: warehouse}
        spec: {connection: pg-main}
        ---
        kind: Source
        metadata: {name: orders}
        spec: {connection: pg-main}
        ---
        kind: Connection
        metadata: {name: pg-main}
        spec: {type: postgres}
        ---
        kind: Namespace
        metadata: {name: sales}
        """

    @Test func documentsComeOutInDependencyOrderKeepingDocumentOrderWithinARank() async throws {
        let documents = try await loadManifests(["all.yaml": Self.mixed]).get()
        #expect(documents.map(\.label) == ["namespace/sales", "connection/pg-main", "target/warehouse", "source/orders", "job/nightly"])
        #expect(documents.map(\.origin.index) == [5, 4, 2, 3, 1], "each document keeps where it came from")
    }

    @Test func applyOrderIsStableForDocumentsOfOneRank() {
        let documents = ["b", "a", "c"].enumerated().map { index, name in
            ManifestDocument(
                origin: DocumentOrigin(file: "x.yaml", index: index + 1), kind: .namespace, name: name, spec: .namespace(.init()))
        }
        #expect(ManifestValidator.applyOrder(documents).map(\.name) == ["b", "a", "c"])
    }

    @Test func aConnectionNameIsGlobalSoTwoNamespacesCannotBothDefineIt() async throws {
        let yaml = """
            kind: Connection
            metadata: {name: pg-main, namespace: sales}
            spec: {type: postgres}
            ---
            kind: Connection
            metadata: {name: pg-main, namespace: hr}
            spec: {type: postgres}
            """
        let result = try await loadManifests(["db.yaml": yaml])
        let rejection = try #require(result.failure)
        let line = try #require(problems(rejection).first)
        #expect(line.hasPrefix("db.yaml, document 2: metadata.name: Connection \"pg-main\" is already defined in "), "\(line)")
        #expect(line.hasSuffix("db.yaml, document 1"))
    }

    /// Two documents of a source `orders`, in each of `namespaces` (`nil`: none given).
    static func ordersSources(in namespaces: [String?]) -> String {
        namespaces.map { namespace in
            "kind: Source\nmetadata: {name: orders\(namespace.map { ", namespace: \($0)" } ?? "")}\nspec: {connection: pg-main}\n"
        }.joined(separator: "---\n")
    }

    @Test func sourcesOfTheSameNameInTwoNamespacesAreDistinct() async throws {
        let documents = try await loadManifests(["db.yaml": Self.ordersSources(in: ["sales", "hr"])]).get()
        #expect(documents.count == 2)
    }

    @Test func aDocumentWithoutNamespaceClashesWithOneNamingTheContextsNamespace() async throws {
        let yaml = Self.ordersSources(in: ["sales", nil])
        let documents = try await loadManifests(["db.yaml": yaml]).get()
        #expect(throws: Never.self) { try ManifestLoading.checkDuplicates(documents, defaultNamespace: "hr") }
        let rejection = try #require(Result { () throws(ManifestRejection) in
            try ManifestLoading.checkDuplicates(documents, defaultNamespace: "sales")
        }.failure)
        let line = try #require(problems(rejection).first)
        #expect(line.hasPrefix("db.yaml, document 2: metadata.name: Source \"orders\" in namespace \"sales\" is already defined in "), "\(line)")
        #expect(line.hasSuffix("db.yaml, document 1"))
    }

    @Test(arguments: [("", "the default namespace"), (ManifestLoading.unresolvedNamespace, "the context's namespace"), ("sales", "namespace \"sales\"")])
    func namespacesAreDescribedForMessages(namespace: String, text: String) {
        #expect(ManifestValidator.describe(namespace: namespace) == text)
    }
}
