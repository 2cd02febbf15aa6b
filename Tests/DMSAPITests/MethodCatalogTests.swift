import DMSAPI
import DMSProto
import DMSWire
import Testing

/// The generated method catalog (Sources/DMSAPI/API.generated.swift) against the product brief.
@Suite struct MethodCatalogTests {
    let names = API.allMethods.map(\.fullName)

    @Test func fullNamesAreUnique() {
        var seen = Set<String>()
        let duplicates = names.filter { !seen.insert($0).inserted }
        #expect(duplicates.isEmpty, "duplicate methods: \(duplicates)")
    }

    @Test func fullNamesArePackageServiceSlashMethod() {
        for method in API.allMethods {
            let parts = method.fullName.split(separator: "/", omittingEmptySubsequences: false)
            #expect(parts.count == 2, "\(method.fullName)")
            guard parts.count == 2 else { continue }
            #expect(parts[0].hasPrefix("dms.v1."), "\(method.fullName)")
            let service = parts[0].dropFirst("dms.v1.".count)
            #expect(service.hasSuffix("Service") && !service.contains("."), "\(method.fullName)")
            #expect(parts[1].first?.isUppercase == true && parts[1].allSatisfy { $0.isLetter || $0.isNumber },
                    "\(method.fullName)")
            #expect(method.serviceName == String(parts[0]))
            #expect(method.methodName == String(parts[1]))
            #expect(method.requestTypeName.hasPrefix("dms.v1."), "\(method.fullName)")
            #expect(method.responseTypeName.hasPrefix("dms.v1."), "\(method.fullName)")
        }
    }

    @Test func requestTypesAreOwnMessages() {
        // Every RPC has its own request message: none shares one, none uses google.protobuf.Empty.
        var seen = [String: String]()
        for method in API.allMethods {
            if let other = seen[method.requestTypeName] {
                Issue.record("\(method.fullName) and \(other) share \(method.requestTypeName)")
            }
            seen[method.requestTypeName] = method.fullName
            #expect(method.requestTypeName == "dms.v1.\(method.methodName)Request", "\(method.fullName)")
        }
    }

    @Test(arguments: [
        "dms.v1.HealthService/Health",
        "dms.v1.HealthService/WatchHealth",
        "dms.v1.ConnectorService/ListConnectorTypes",
        "dms.v1.ConnectorService/GetConnectorType",
        "dms.v1.ConnectionService/TestConnection",
        "dms.v1.ConnectionService/UpgradeConnection",
        "dms.v1.MigrationJobService/RunJob",
        "dms.v1.MigrationJobService/PauseJob",
        "dms.v1.MigrationJobService/ResumeJob",
        "dms.v1.MigrationJobRunService/GetRun",
        "dms.v1.MigrationJobRunService/ListRuns",
        "dms.v1.MigrationJobRunService/CancelRun",
        "dms.v1.MigrationJobRunService/WatchRuns",
        "dms.v1.MigrationJobRunService/StreamRunLogs",
        "dms.v1.TokenService/CreateToken",
        "dms.v1.TokenService/ListTokens",
        "dms.v1.TokenService/GetToken",
        "dms.v1.TokenService/RevokeToken",
    ])
    func containsRequiredMethod(_ fullName: String) {
        #expect(names.contains(fullName), "missing \(fullName)")
    }

    @Test(arguments: [
        ("Namespace", "Namespaces"),
        ("Connection", "Connections"),
        ("Source", "Sources"),
        ("Target", "Targets"),
        ("MigrationJob", "MigrationJobs"),
    ])
    func containsCRUD(_ resource: String, _ plural: String) {
        let service = "dms.v1.\(resource)Service"
        for method in ["Create\(resource)", "Get\(resource)", "List\(plural)", "Update\(resource)", "Delete\(resource)"] {
            #expect(names.contains("\(service)/\(method)"), "missing \(service)/\(method)")
        }
    }

    @Test func streamingMethodsAreServerStreamingAndTheRestUnary() {
        let streaming: Set = [
            "dms.v1.HealthService/WatchHealth",
            "dms.v1.MigrationJobRunService/WatchRuns",
            "dms.v1.MigrationJobRunService/StreamRunLogs",
        ]
        for method in API.allMethods {
            #expect(method.kind == (streaming.contains(method.fullName) ? .serverStreaming : .unary),
                    "\(method.fullName) is \(method.kind)")
        }
        #expect(API.HealthService.watchHealth.descriptor.kind == .serverStreaming)
        #expect(API.MigrationJobRunService.watchRuns.descriptor.kind == .serverStreaming)
        #expect(API.MigrationJobRunService.streamRunLogs.descriptor.kind == .serverStreaming)
        #expect(API.HealthService.health.descriptor.kind == .unary)
    }

    @Test func typedMethodsCarryTheirMessageTypes() {
        let run = API.MigrationJobService.runJob.descriptor
        #expect(run.requestTypeName == Dms_V1_RunJobRequest.protoMessageName)
        #expect(run.responseTypeName == Dms_V1_MigrationJobRun.protoMessageName)
        let watch = API.MigrationJobRunService.watchRuns.descriptor
        #expect(watch.responseTypeName == "dms.v1.RunEvent")
        let cancel = API.MigrationJobRunService.cancelRun.descriptor
        #expect(cancel.responseTypeName == "dms.v1.MigrationJobRun")
    }
}
