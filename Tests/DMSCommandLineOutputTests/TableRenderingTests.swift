import DMSAPI
import DMSCommandLineOutput
import DMSProto
import Foundation
import SwiftProtobuf
import Testing

/// `-o table`: columns padded to their widest cell, two spaces apart, no trailing blanks; API
/// messages shown as people read them.
@Suite struct TableRenderingTests {
    static let created = Google_Protobuf_Timestamp(seconds: 1_717_243_200)  // 2024-06-01T12:00:00Z

    @Test func columnsAreAsWideAsTheirWidestCellWithUpperCaseHeaders() {
        let text = TextTable.columns(["name", "server"], [["local", "127.0.0.1:7443"], ["production-eu", "dms.example:443"]])
        #expect(
            text == """
                NAME           SERVER
                local          127.0.0.1:7443
                production-eu  dms.example:443

                """)
    }

    @Test func anEmptyLastCellLeavesNoTrailingBlanks() {
        let text = TextTable.columns(["field", "value", "secret"], [["host", "db", ""], ["password", "********", "yes"]])
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") }, "\(text)")
        #expect(text.split(separator: "\n").first == "FIELD     VALUE     SECRET")
    }

    @Test func keyValuesAlignTheValues() {
        #expect(TextTable.keyValues([("status", "SERVING"), ("active calls", "1")]) == "STATUS        SERVING\nACTIVE CALLS  1\n")
        #expect(TextTable.keyValues([]) == "")
    }

    @Test func aNamespaceShowsItsCreationTimeInRFC3339() {
        let namespace = Dms_V1_Namespace.with {
            $0.name = "sales"
            $0.description_p = "Sales team"
            $0.revision = 3
            $0.createTime = Self.created
        }
        #expect(
            namespace.tableText == """
                NAME         sales
                DESCRIPTION  Sales team
                REVISION     3
                CREATED      2024-06-01T12:00:00Z

                """)
    }

    @Test func aListOfConnectionsHasOneRowEachAndADashForAnUnknownAge() {
        let list = Dms_V1_ListConnectionsResponse.with {
            $0.connections = [
                .with {
                    $0.name = "pg-main"
                    $0.namespace = "sales"
                    $0.type = "postgres"
                    $0.version = 2
                    $0.revision = 1
                },
            ]
        }
        #expect(list.tableText == "NAME     NAMESPACE  TYPE      VERSION  REVISION  AGE\npg-main  sales      postgres  2        1         -\n")
    }

    @Test func aJobShowsItsDefaultsAsWhatTheyMean() {
        let job = Dms_V1_MigrationJob.with {
            $0.name = "nightly"
            $0.sourceID = "s1"
            $0.targetID = "t1"
            $0.sparkConf = ["spark.b": "2", "spark.a": "1"]
        }
        let lines = job.detailTable(sourceName: "orders", targetName: nil).split(separator: "\n").map(String.init)
        func value(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key + "  ") }.map { String($0.dropFirst(key.count)).trimmingCharacters(in: .whitespaces) }
        }
        #expect(value("SOURCE") == "orders (s1)")
        #expect(value("TARGET") == "t1", "an unknown name shows the id alone")
        #expect(value("SCHEDULE") == "- (manual runs only)")
        #expect(value("TIME ZONE") == "UTC")
        #expect(value("MAX ATTEMPTS") == "1")
        #expect(value("OVERLAP POLICY") == "skip")
        #expect(value("MISFIRE POLICY") == "once")
        #expect(value("TIMEOUT") == "none")
        #expect(value("SPARK CONF") == "spark.a=1 spark.b=2", "settings sorted by key")
    }

    @Test func aTokenNeverShowsASecretAndSaysWhetherItStillWorks() {
        var token = Dms_V1_Token.with {
            $0.name = "ci"
            $0.role = .editor
            $0.prefix = "dms_AbCd"
        }
        #expect(token.status == "active")
        token.namespace = "sales"
        #expect(token.allowance == "reads, creates, changes, deletes and runs the resources of namespace sales")
        #expect(token.describeTable.hasSuffix("ALLOWS     reads, creates, changes, deletes and runs the resources of namespace sales\n"))
        token.expireTime = Google_Protobuf_Timestamp(date: Date(timeIntervalSinceNow: -60))
        #expect(token.status == "expired")
        #expect(token.allowance == "nothing (expired)")
        token.revokeTime = Self.created
        #expect(token.status == "revoked")
        #expect(token.allowance == "nothing (revoked)")
        #expect(Dms_V1_Token.with { $0.role = .admin }.allowance == "everything, in every namespace")
        #expect(Dms_V1_Token.with { $0.role = .viewer; $0.namespace = "hr" }.allowance == "reads the resources, runs and logs of namespace hr")
        let created = Dms_V1_CreateTokenResponse.with {
            $0.token = token
            $0.secret = "dms_secret-value"
        }
        #expect(!token.tableText.contains("SECRET"))
        #expect(created.tableText.hasSuffix("SECRET     dms_secret-value\n"), "\(created.tableText)")
    }

    @Test(arguments: [
        (0.0, "0.0s"), (12.46, "12.5s"), (243.0, "4m03s"), (7_500.0, "2h05m"), (273_600.0, "3d04h"), (-1.0, "-"), (Double.nan, "-"),
    ])
    func durationsUseTheTwoLargestUnits(seconds: Double, text: String) {
        #expect(DurationText.seconds(seconds) == text)
    }

    @Test func agesAreCountedFromNowAndUnsetTimesAreADash() {
        let now = Date(timeIntervalSince1970: 1_717_243_200 + 192)
        #expect(TimestampText.age(Self.created, isSet: true, now: now) == "3m12s")
        #expect(TimestampText.age(Self.created, isSet: true, now: Date(timeIntervalSince1970: 1_717_243_245)) == "45s")
        #expect(TimestampText.age(Self.created, isSet: false, now: now) == "-")
        #expect(TimestampText.time(Self.created, isSet: false) == "-")
    }

    @Test func aResourceOutcomeLineNamesTheFieldsItTouched() {
        #expect(ResourceOutcome(kind: "connection", name: "pg-main", result: "created").line == "connection/pg-main created")
        #expect(
            ResourceOutcome(kind: "job", name: "nightly", namespace: "sales", result: "would update", fields: ["schedule", "paused"]).line
                == "job/nightly would update (fields: schedule, paused)")
    }
}
