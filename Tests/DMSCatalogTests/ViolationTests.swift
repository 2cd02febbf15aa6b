import DMSCatalog
import Testing

@Suite struct ViolationTests {
    @Test func sortsByPathWithIndicesAsNumbersThenByReason() {
        let violations = [
            Violation(path: "tables[10]", reason: "a"),
            Violation(path: "tables[2]", reason: "b"),
            Violation(path: "tables[2]", reason: "a"),
            Violation(path: "", reason: "z"),
            Violation(path: "port", reason: "a"),
            Violation(path: "tables[02]", reason: "a"),
        ]
        #expect(violations.sorted().map(\.description) == [
            "z", "port: a", "tables[02]: a", "tables[2]: a", "tables[2]: b", "tables[10]: a",
        ])
    }

    @Test func describesItselfAsPathAndReason() {
        #expect(Violation(path: "port", reason: "must be at least 1").description == "port: must be at least 1")
        #expect(Violation(path: "", reason: "must be an object, got array").description == "must be an object, got array")
    }
}
