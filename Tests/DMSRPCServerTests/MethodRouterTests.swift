import DMSProto
import DMSWire
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import DMSRPCServer

@Suite struct MethodRouterTests {
    static let health = UnaryMethod<Dms_V1_HealthRequest, Dms_V1_HealthResponse>("dms.v1.HealthService/Health")
    static let watch = ServerStreamingMethod<Dms_V1_WatchHealthRequest, Dms_V1_HealthResponse>("dms.v1.HealthService/WatchHealth")
    static let other = MethodDescriptor(
        fullName: "dms.v1.JobService/ListJobs", kind: .unary, requestTypeName: "dms.v1.ListJobsRequest",
        responseTypeName: "dms.v1.ListJobsResponse")

    static func context(_ callID: UInt64, _ method: MethodDescriptor) -> CallContext {
        CallContext(
            callID: callID, method: method, metadata: [:], principal: .anonymous, deadline: nil,
            logger: .init(label: "dms.test"))
    }

    static func response(version: String, sequence: UInt64 = 0) -> Dms_V1_HealthResponse {
        var response = Dms_V1_HealthResponse()
        response.status = .serving
        response.version = version
        response.sequence = sequence
        return response
    }

    /// Runs `name` on the router with `payload`, the way the connection does.
    static func run(_ router: MethodRouter, _ name: String, payload: Data, callID: UInt64 = 1) async throws -> Data? {
        let route = try #require(router.route(for: name))
        return try await route.run(payload, context(callID, route.descriptor), FrameSink { _ in })
    }

    @Test func registeredUnaryHandlerAnswersWithItsSerializedResponse() async throws {
        var router = MethodRouter()
        router.register(Self.health) { _, context in Self.response(version: "call \(context.callID)") }
        let data = try #require(try await Self.run(router, Self.health.descriptor.fullName, payload: Data(), callID: 12))
        #expect(try Dms_V1_HealthResponse(serializedBytes: data) == Self.response(version: "call 12"))
    }

    @Test func registeringUnimplementedMethodsKeepsTheRegisteredHandlers() async throws {
        var router = MethodRouter()
        router.register(Self.health) { _, _ in Self.response(version: "real") }
        router.registerUnimplemented([Self.health.descriptor, Self.watch.descriptor, Self.other])
        #expect(Set(router.methods.map(\.fullName)) == [Self.health.descriptor.fullName, Self.watch.descriptor.fullName, Self.other.fullName])

        let data = try #require(try await Self.run(router, Self.health.descriptor.fullName, payload: Data()))
        #expect(try Dms_V1_HealthResponse(serializedBytes: data).version == "real")

        for name in [Self.watch.descriptor.fullName, Self.other.fullName] {
            await #expect(throws: RPCError(.unimplemented, "\(name) is not implemented yet")) {
                try await Self.run(router, name, payload: Data())
            }
        }
    }

    @Test func aHandlerSeesTheMetadataWithoutTheBearerToken() {
        let context = CallContext(
            callID: 1, method: Self.health.descriptor,
            metadata: [MetadataKey.authorization: "Bearer dms_secret", MetadataKey.namespace: "sales", "client": "c/1"],
            principal: .anonymous, deadline: nil, logger: .init(label: "dms.test"))
        #expect(context.metadata == [MetadataKey.namespace: "sales", "client": "c/1"])
        #expect(context.namespace == "sales")
        #expect(!"\(context)".contains("dms_secret"), "a context printed (logged) must not show the token")
        #expect(!String(reflecting: context).contains("dms_secret"))
    }

    @Test func unknownMethodHasNoRoute() {
        var router = MethodRouter()
        router.registerUnimplemented([Self.other])
        #expect(router.route(for: "dms.v1.NopeService/Nope") == nil)
    }

    @Test(arguments: [
        [UInt8]([0x0A, 0x05, 0x61]),  // LEN field announcing 5 bytes, 1 present
        [0xFF],  // a varint tag that never ends
        [0x08],  // a tag with no value
    ])
    func undecodablePayloadIsInvalidArgumentNamingTheMessageType(payload: [UInt8]) async throws {
        var router = MethodRouter()
        router.register(Self.health) { _, _ in
            Issue.record("the handler ran for an undecodable payload")
            return Self.response(version: "")
        }
        router.register(Self.watch) { _, _, _ in Issue.record("the handler ran for an undecodable payload") }
        await #expect(throws: RPCError(.invalidArgument, "payload is not a valid dms.v1.HealthRequest")) {
            try await Self.run(router, Self.health.descriptor.fullName, payload: Data(payload))
        }
        await #expect(throws: RPCError(.invalidArgument, "payload is not a valid dms.v1.WatchHealthRequest")) {
            try await Self.run(router, Self.watch.descriptor.fullName, payload: Data(payload))
        }
    }

    @Test func streamingHandlerItemsLeaveAsMessageFramesOfTheCall() async throws {
        var router = MethodRouter()
        router.register(Self.watch) { request, _, writer in
            for sequence in 1...UInt64(request.maxItems) {
                try await writer.write(Self.response(version: "v", sequence: sequence))
            }
        }
        var request = Dms_V1_WatchHealthRequest()
        request.maxItems = 3
        let route = try #require(router.route(for: Self.watch.descriptor.fullName))
        let sent = Mutex<[Dms_V1_Frame]>([])
        let result = try await route.run(
            try request.serializedData(), Self.context(21, route.descriptor), FrameSink { frame in sent.withLock { $0.append(frame) } })
        #expect(result == nil)

        let frames = sent.withLock { $0 }
        #expect(frames.map(\.type) == [.message, .message, .message])
        #expect(frames.map(\.callID) == [21, 21, 21])
        #expect(try frames.map { try Dms_V1_HealthResponse(serializedBytes: $0.payload).sequence } == [1, 2, 3])
    }
}
