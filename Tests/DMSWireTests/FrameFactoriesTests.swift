import DMSProto
import DMSWire
import Foundation
import NIOCore
import Testing

/// The factories produce exactly the frames of PROTOCOL.md §3.4.
@Suite struct FrameFactoriesTests {
    struct WireCase: Sendable, CustomTestStringConvertible {
        let name: String
        let frame: Dms_V1_Frame
        let hex: String
        var testDescription: String { name }
    }

    static let wireCases = [
        WireCase(name: "stream item", frame: .message(callID: 2, payload: Data([0x08, 0x01, 0x40, 0x01])),
                 hex: "00 00 00 0a  08 02  10 02  32 04 08 01 40 01"),
        WireCase(name: "stream END OK", frame: .end(callID: 2), hex: "00 00 00 06  08 03  10 02  3a 00"),
        WireCase(name: "CANCEL", frame: .cancel(callID: 3), hex: "00 00 00 04  08 04  10 03"),
        WireCase(name: "END CANCELLED", frame: .end(callID: 3, error: RPCError(.cancelled, "")),
                 hex: "00 00 00 08  08 03  10 03  3a 02 08 01"),
        WireCase(name: "GOAWAY", frame: .goAway, hex: "00 00 00 02  08 05"),
    ]

    @Test(arguments: wireCases)
    func factoryFrameHasTheDocumentedBytes(_ wireCase: WireCase) throws {
        #expect(Array(try encoded([wireCase.frame]).readableBytesView) == hexBytes(wireCase.hex))
    }

    @Test func requestCarriesEveryField() {
        let frame = Dms_V1_Frame.request(
            callID: 9, method: "dms.v1.JobService/ListJobs", payload: Data([1, 2, 3]),
            metadata: ["namespace": "team-a"], timeoutMilliseconds: 1500)
        #expect(frame.type == .request)
        #expect(frame.callID == 9)
        #expect(frame.method == "dms.v1.JobService/ListJobs")
        #expect(frame.payload == Data([1, 2, 3]))
        #expect(frame.metadata == ["namespace": "team-a"])
        #expect(frame.timeoutMs == 1500)
        #expect(!frame.hasStatus)
    }

    @Test func successfulUnaryEndCarriesTheResponseAndAnOKStatus() {
        let frame = Dms_V1_Frame.end(callID: 5, payload: Data([7]))
        #expect(frame.type == .end)
        #expect(frame.payload == Data([7]))
        #expect(frame.hasStatus)
        #expect(frame.status.code == .ok)
    }

    @Test func failedEndCarriesTheErrorAndNoPayload() {
        let error = RPCError.invalidArgument([.init(field: "name", description: "is empty")])
        let frame = Dms_V1_Frame.end(callID: 0, error: error)
        #expect(frame.type == .end)
        #expect(frame.callID == 0)
        #expect(frame.payload.isEmpty)
        #expect(RPCError(status: frame.status) == error)
    }
}

@Suite struct MethodDescriptorTests {
    @Test(arguments: [
        ("dms.v1.HealthService/Health", "dms.v1.HealthService", "Health"),
        ("dms.v1.RunService/WatchRun", "dms.v1.RunService", "WatchRun"),
        ("noslash", "noslash", "noslash"),
    ])
    func namesSplitAtTheSlash(fullName: String, service: String, method: String) {
        let descriptor = MethodDescriptor(fullName: fullName, kind: .unary, requestTypeName: "a", responseTypeName: "b")
        #expect(descriptor.serviceName == service)
        #expect(descriptor.methodName == method)
        #expect(descriptor.description == fullName)
    }

    @Test func typedMethodsTakeKindAndMessageNamesFromTheirTypes() {
        let unary = UnaryMethod<Dms_V1_HealthRequest, Dms_V1_HealthResponse>("dms.v1.HealthService/Health")
        #expect(unary.descriptor.kind == .unary)
        #expect(unary.descriptor.requestTypeName == "dms.v1.HealthRequest")
        #expect(unary.descriptor.responseTypeName == "dms.v1.HealthResponse")
        let stream = ServerStreamingMethod<Dms_V1_WatchHealthRequest, Dms_V1_HealthResponse>("dms.v1.HealthService/WatchHealth")
        #expect(stream.descriptor.kind == .serverStreaming)
        #expect(stream.descriptor.requestTypeName == "dms.v1.WatchHealthRequest")
        #expect(stream.descriptor.fullName == "dms.v1.HealthService/WatchHealth")
    }
}
